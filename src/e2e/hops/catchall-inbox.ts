import type { FoundMessage } from '../../adapters/imap/port.js';
import { causeOfText } from '../../mail/causes.js';
import { looksLikeBounce, readDeliveryReport } from '../bounce.js';
import type { E2eRun } from '../context.js';
import { defineHop, formatSeconds, type HopBody, hopCause } from '../hop.js';
import { pollUntil } from '../poll.js';

/** Both test mails land in the catch-all inbox (seen over IMAP); a bounce in the probe mailbox ends the wait early. */
export const catchallInbox = defineHop({
  id: 'catchall-inbox',
  title: (run) => `Catch-all inbox ${run.catchall}`,
  needs: ['mx-sales'],
  async run(run) {
    const { adapters, found, tokens, signal } = run;
    const t0 = performance.now();
    let salesAfter: number | undefined;
    let bounce: FoundMessage | undefined;
    await pollUntil(
      async () => {
        const [sales, wrong, probe] = await Promise.all([
          found.sales ? undefined : adapters.imap.findMessage('catchall', tokens.sales, signal),
          found.sent.wrong && !found.wrong ? adapters.imap.findMessage('catchall', tokens.wrongAddress, signal) : undefined,
          !found.sales && run.probeReadable ? adapters.imap.findMessage('probe', tokens.sales, signal) : undefined,
        ]);
        if (sales && !found.sales) {
          found.sales = sales;
          salesAfter = performance.now() - t0;
        }
        if (wrong) found.wrong = wrong;
        if (!found.sales && probe && looksLikeBounce(probe.subject)) {
          bounce = probe;
          return true;
        }
        if (!found.sales) return undefined;
        if (!found.sent.wrong || found.wrong) return true;
        // The mail to the wrong address gets a grace period once the sales mail is in.
        return performance.now() - t0 > Math.max(2_000, 2 * (salesAfter ?? 0)) ? true : undefined;
      },
      { ...run.poll, timeoutMs: run.options.deliveryTimeoutMs },
    );
    const waited = Math.round(performance.now() - t0);
    if (bounce) {
      found.bounced = true;
      return bounced(run, bounce);
    }
    if (!found.sales) {
      return {
        status: 'fail',
        detail: `The test mail to ${run.salesTo} did not arrive in ${run.catchall} within ${formatSeconds(run.options.deliveryTimeoutMs)}, and no bounce came back.`,
        evidence: { waitedMs: waited, token: tokens.sales },
        cause: hopCause(
          'not delivered',
          'exchange-catchall-rule',
          `Exchange Online accepted the mail but did not put it in ${run.catchall}: the catch-all rule redirects somewhere else, or delivery is delayed. A message trace for the Message-ID ${run.salesMessageId} shows where it went.`,
          'Check the rule (`check exchange-catchall-rule`) and run a message trace in the Exchange admin center for the test mail.',
        ),
      };
    }
    const wrongNote = !found.sent.wrong
      ? ''
      : found.wrong
        ? '; the mail to the wrong address arrived too'
        : `; the mail to ${run.wrongTo} did not (yet)`;
    return {
      status: 'pass',
      detail: `The test mail arrived in ${run.catchall} after ${Math.round(salesAfter ?? waited)} ms (uid ${found.sales.uid})${wrongNote}.`,
      evidence: { uid: found.sales.uid, receivedAt: found.sales.receivedAt, wrongAddressUid: found.wrong?.uid ?? null },
    };
  },
});

/** The test mail came back: its delivery status (Status, Diagnostic-Code) names why, through the cause table. */
async function bounced(run: E2eRun, bounce: FoundMessage): Promise<HopBody> {
  const source = await run.adapters.imap.messageSource('probe', bounce.uid, run.signal);
  const report = source ? await readDeliveryReport(source) : undefined;
  const reply = report?.diagnosticCode ?? report?.status;
  const said = reply ? `: ${reply.replace(/^smtp;\s*/i, '')}` : '';
  return {
    status: 'fail',
    detail: `Exchange Online returned the test mail to ${run.sender} as undeliverable ("${bounce.subject}")${said}, instead of redirecting it to ${run.catchall}.`,
    evidence: {
      ndrSubject: bounce.subject,
      ndrFrom: bounce.from,
      receivedAt: bounce.receivedAt,
      ...(report ? { deliveryStatus: report } : {}),
    },
    cause:
      (reply ? causeOfText(reply, { protocol: 'smtp', seenBy: 'bot' }) : undefined) ??
      hopCause(
        'NDR (Undeliverable)',
        'exchange-catchall-rule',
        `Mail to ${run.salesTo} bounced instead of being redirected to ${run.catchall}, and the bounce names no status the bot knows: the catch-all transport rule is missing, disabled, in Audit mode, or an exception caught the address.`,
        'Check the catch-all rule (`check exchange-catchall-rule`) and the bounce in the probe mailbox.',
      ),
  };
}
