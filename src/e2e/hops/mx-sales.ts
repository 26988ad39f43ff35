import { defineHop, sendHop } from '../hop.js';

/** The bot, as an outside sender, sends the token mail to sales@ through the MX. */
export const mxSales = defineHop({
  id: 'mx-sales',
  title: (run) => `MX accepts mail to ${run.salesTo}`,
  async run(run) {
    const result = await run.adapters.smtp.send(run.mail(run.tokens.sales, run.salesTo));
    run.found.sent.sales = result.outcome === 'accepted';
    return sendHop(result, run.salesTo);
  },
});
