import { imapCatchallInbox } from '../../adapters/imap/sources.js';
import { defineCheck } from '../../engine/check.js';
import { MailsetupError } from '../../errors.js';

const MINUTE = 60_000;

export const mailflowFetchmailBacklogCheck = defineCheck({
  meta: {
    id: 'mailflow-fetchmail-backlog',
    title: "The ERP's fetch keeps the catch-all inbox read",
    area: 'mailflow',
    severity: 'critical',
    dependsOn: ['mailflow-imap-login'],
    sources: [imapCatchallInbox],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./mailflow-fetchmail-backlog.md', import.meta.url),
  run(snapshot, ctx) {
    const result = snapshot.get(imapCatchallInbox);
    if (!result.ok) throw new MailsetupError('AuthFailed', result.message, { hint: result.hint, source: 'imap' });
    const { backlog } = result.inbox;
    const interval = ctx.tenant.erp.fetchIntervalMinutes;
    const limitMinutes = 2 * interval;
    const expected = { oldestUnseenAgeMinutes: `≤ ${limitMinutes} (2 × the ERP's fetch interval of ${interval} min)` };
    const resource = { kind: 'Mailbox', name: backlog.mailbox };
    const oldest = backlog.oldestUnseen;
    if (!oldest) {
      return {
        status: 'pass',
        detail: `No unread mail is waiting in ${backlog.mailbox} (${backlog.total} message${backlog.total === 1 ? '' : 's'}, all read): the ERP's fetch is keeping up.`,
        observed: { unseen: 0, messages: backlog.total, fetchIntervalMinutes: interval },
        expected,
        resource,
      };
    }
    const ageMinutes = Math.max(0, Math.floor((ctx.now.getTime() - Date.parse(oldest.receivedAt)) / MINUTE));
    const observed = {
      unseen: backlog.unseen,
      messages: backlog.total,
      oldestUnseen: { receivedAt: oldest.receivedAt, subject: oldest.subject, from: oldest.from },
      oldestUnseenAgeMinutes: ageMinutes,
      fetchIntervalMinutes: interval,
    };
    if (ageMinutes <= limitMinutes) {
      return {
        status: 'pass',
        detail: `${backlog.unseen} unread message${backlog.unseen === 1 ? ' is' : 's are'} waiting in ${backlog.mailbox}; the oldest arrived ${ageMinutes} min ago, within 2 × the ERP's fetch interval (${limitMinutes} min).`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail:
        `${backlog.unseen} unread message${backlog.unseen === 1 ? '' : 's'} in ${backlog.mailbox}, the oldest received ${ageMinutes} min ago ` +
        `("${oldest.subject ?? '(no subject)'}"), more than 2 × the ERP's fetch interval (${limitMinutes} min): the ERP's fetchmail is not taking mail. ` +
        'The ERP\'s "Last Fetch Date" proves nothing here: up to version 18 it is written even when the fetch fails.',
      observed,
      expected,
      resource,
      remediation: {
        manual:
          'In the ERP (developer mode): Settings ▸ Technical ▸ Automation ▸ Scheduled Actions ▸ "Mail: Fetchmail Service" must be active — click "Run Manually"; ' +
          'then Settings ▸ Technical ▸ Email ▸ Incoming Mail Servers ▸ the catch-all server: "Test & Confirm" and "Fetch Now". ' +
          "If it still does not fetch, read the ERP's server log: fetch errors are only logged there (12–18).",
        command:
          'ir.cron (mail.ir_cron_mail_gateway_action): active=True, then method_direct_trigger; fetchmail.server: button_confirm_login, fetch_mail',
      },
    };
  },
});
