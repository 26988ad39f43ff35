import { FETCH_CRON_NAME } from '../erp/state.js';
import { appendMessage, ensureMailbox } from '../mail/store.js';
import type { LabState } from '../state.js';
import { defineScenario, type Scenario } from './types.js';

const MINUTE = 60_000;

/** A customer's mail to sales@ as the catch-all rule left it in the catch-all inbox. */
function customerMail(state: LabState, subject: string, minutesAgo: number): void {
  const t = state.tenant;
  const at = t.now - minutesAgo * MINUTE;
  const raw = [
    `Received: from mail.customer.test (198.51.100.23) by BN8NAM12FT021.eop-nam12.prod.protection.outlook.com with Microsoft SMTP Server; ${new Date(at).toUTCString()}`,
    'From: Dana Customer <dana@customer.test>',
    `To: ${t.salesAlias}@${t.domain}`,
    `Subject: ${subject}`,
    `Date: ${new Date(at).toUTCString()}`,
    `Message-ID: <${at.toString(36)}.${minutesAgo}@customer.test>`,
    '',
    'Hello, please send me a quote.',
    '',
  ].join('\r\n');
  appendMessage(ensureMailbox(state.mail, t.catchallMailbox, 'exchange'), raw, {
    at,
    envelope: { from: 'dana@customer.test', to: [t.catchallMailbox] },
  });
}

/** Scenarios of the mail area. */
export const mailScenarios: Scenario[] = [
  defineScenario({
    name: 'fetchmail-stuck',
    description:
      'The ERP\'s "Mail: Fetchmail Service" job is switched off: customer mail waits unread in the catch-all mailbox (the oldest for 35 min) and no lead appears.',
    apply: (state) => {
      const cron = state.erp.crons.find((c) => c.name === FETCH_CRON_NAME);
      if (cron) cron.active = false;
      customerMail(state, 'Quote for 40 chairs', 35);
      customerMail(state, 'Delivery question', 12);
    },
    expect: { 'mailflow-fetchmail-backlog': 'fail' },
  }),
  defineScenario({
    name: 'imap-app-no-access',
    description:
      "The bot's app has IMAP.AccessAsApp but was never granted FullAccess on the catch-all mailbox (Add-MailboxPermission not run): its IMAP login is refused.",
    apply: (state) => {
      state.mail.imapApp.fullAccess = [];
    },
    expect: { 'mailflow-imap-login': 'fail', 'mailflow-fetchmail-backlog': 'skip' },
    testEmail: { verdict: 'error', hop: 'catchall-inbox', cause: 'mailflow-imap-login' },
  }),
];
