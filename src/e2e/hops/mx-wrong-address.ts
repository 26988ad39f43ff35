import { defineHop, sendHop } from '../hop.js';

/** A second mail to a made-up address of the domain: the catch-all must take it too, and the ERP answer it. */
export const mxWrongAddress = defineHop({
  id: 'mx-wrong-address',
  title: () => 'MX accepts mail to a wrong address',
  needs: ['mx-sales'],
  async run(run) {
    const result = await run.adapters.smtp.send(run.mail(run.tokens.wrongAddress, run.wrongTo));
    run.found.sent.wrong = result.outcome === 'accepted';
    return sendHop(result, run.wrongTo);
  },
});
