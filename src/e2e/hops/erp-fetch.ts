import type { ErpIncomingServer } from '../../adapters/erp/port.js';
import { causeOfText } from '../../mail/causes.js';
import { defineHop, firstLine, hopCause } from '../hop.js';

/** The bot makes the ERP fetch now (no waiting for its 5-minute job) and sees the mail taken. */
export const erpFetch = defineHop({
  id: 'erp-fetch',
  title: () => 'The ERP fetches the catch-all inbox',
  needs: ['catchall-inbox'],
  async run(run) {
    const { adapters, catchall, signal } = run;
    const { servers } = await adapters.erp.incomingServers(signal);
    const incoming = pickIncoming(servers, catchall);
    if (!incoming) {
      return {
        status: 'fail',
        detail: `The ERP has no active incoming mail server for ${catchall}, so nothing fetches the catch-all inbox.`,
        evidence: { servers: servers.map((s) => ({ id: s.id, name: s.name, user: s.user, active: s.active, state: s.state })) },
        cause: hopCause(
          'no incoming server',
          'erp-incoming-server',
          `No active fetchmail.server reads ${catchall}.`,
          'Create or activate the incoming mail server (`check erp-incoming-server`).',
        ),
      };
    }
    run.found.incoming = incoming;
    run.found.fetchAsked = true;
    const outcome = await adapters.erp.fetchMail(incoming.id, signal);
    const where = `"${incoming.name}" (${incoming.user ?? '?'} on ${incoming.host ?? '?'})`;
    if (!outcome.ok) {
      return {
        status: 'fail',
        detail: `The ERP's fetch on ${where} failed: ${firstLine(outcome.message)}.`,
        evidence: { serverId: incoming.id, message: outcome.message },
        cause:
          causeOfText(outcome.message, { protocol: 'imap', seenBy: 'erp' }) ??
          hopCause(
            'fetch failed',
            'erp-incoming-test',
            `The ERP could not read ${catchall}.`,
            "Run the incoming server's Test & Confirm (`check erp-incoming-test`).",
          ),
      };
    }
    const after = await adapters.imap.findMessage('catchall', run.tokens.sales, signal);
    if (after && !after.seen) {
      return {
        status: 'fail',
        detail: `The ERP's fetch on ${where} returned, but the test mail is still unread in ${catchall}: the ERP did not read the mailbox.`,
        evidence: { serverId: incoming.id, uid: after.uid, seen: false, returned: outcome.message },
        cause: hopCause(
          'still unread',
          'erp-incoming-test',
          "The ERP's fetch did not take the mail: Odoo 12–16 only log a failed connection in the server log, so the call itself looks fine. A password login to Exchange Online (refused since 2022) is the usual reason.",
          "Run the incoming server's Test & Confirm (`check erp-incoming-test`) and look at the ERP's log.",
        ),
      };
    }
    return {
      status: 'pass',
      detail: `The ERP fetched ${where}; the test mail is now marked read.`,
      evidence: { serverId: incoming.id, message: outcome.message },
    };
  },
});

/** The incoming server that reads the catch-all mailbox: active, confirmed first. */
function pickIncoming(servers: readonly ErpIncomingServer[], mailbox: string): ErpIncomingServer | undefined {
  const candidates = servers.filter((s) => s.active && (s.user ?? '').toLowerCase() === mailbox.toLowerCase());
  return candidates.find((s) => s.state === 'done') ?? candidates[0];
}
