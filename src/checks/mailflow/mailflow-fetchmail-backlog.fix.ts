import { erpFetchCron } from '../../adapters/erp/sources.js';
import { imapCatchallInbox } from '../../adapters/imap/sources.js';
import { basisOf, definePlanner, erpCall, type FixCall, type FixChange, refuse } from '../../engine/fix.js';

/** Runs the ERP's fetch job now (and switches it back on when someone turned it off). */
export const mailflowFetchmailBacklogPlanner = definePlanner({
  checkId: 'mailflow-fetchmail-backlog',
  sources: [imapCatchallInbox, erpFetchCron],
  plan(snapshot) {
    const inbox = snapshot.get(imapCatchallInbox);
    const cron = snapshot.get(erpFetchCron);
    if (!cron) return refuse('The ERP has no mail fetch job (ir_cron_mail_gateway_action); reinstalling the mail module is done by hand.');
    const unseen = inbox.ok ? inbox.inbox.backlog.unseen : null;
    const changes: FixChange[] = [];
    const calls: FixCall[] = [];
    if (!cron.active) {
      changes.push({ setting: 'ir.cron "Mail: Fetchmail Service" active', before: false, after: true });
      calls.push(erpCall('ir.cron', 'write', [cron.id], { vals: { active: true } }));
    }
    changes.push({ setting: 'unread mail in the catch-all inbox', before: unseen, after: 'fetched by the ERP now' });
    calls.push(erpCall('ir.cron', 'method_direct_trigger', [cron.id], {}));
    return {
      target: `ir.cron ${cron.id} (mail fetch)`,
      changes,
      calls,
      basis: basisOf({ cron: { id: cron.id, active: cron.active } }),
    };
  },
});
