import { FETCH_CRON_NAME, setErpVersion } from '../erp/state.js';
import { MX_FRONTEND } from '../mail/mx.js';
import { exchangeReceivedChain } from '../mail/received-chain.js';
import { appendMessage, ensureMailbox } from '../mail/store.js';
import type { LabState } from '../state.js';
import { defineScenario, type Scenario } from './types.js';

const MINUTE = 60_000;

/** A customer's mail to sales@ as the catch-all rule left it in the catch-all inbox. */
function customerMail(state: LabState, subject: string, minutesAgo: number): void {
  const t = state.tenant;
  const at = t.now - minutesAgo * MINUTE;
  const received = exchangeReceivedChain(
    { helo: 'mail.customer.test', senderIp: '198.51.100.23', tls: true, mxHost: MX_FRONTEND },
    'mailbox',
    new Date(at),
  );
  const raw = [
    'From: Dana Customer <dana@customer.test>',
    `To: ${t.salesAlias}@${t.domain}`,
    `Subject: ${subject}`,
    `Date: ${new Date(at).toUTCString()}`,
    `Message-ID: <${at.toString(36)}.${minutesAgo}@customer.test>`,
    '',
    'Hello, please send me a quote.',
    '',
  ].join('\r\n');
  appendMessage(ensureMailbox(state.mail, t.catchallMailbox, 'exchange'), received + raw, {
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
      'The bot\'s app has IMAP.AccessAsApp and a service principal but was never granted FullAccess on the catch-all mailbox (Add-MailboxPermission not run): Exchange takes its token, then refuses to open the mailbox ("User is authenticated but not connected.").',
    apply: (state) => {
      state.mail.imapApp.fullAccess = [];
    },
    expect: { 'mailflow-imap-login': 'fail', 'mailflow-fetchmail-backlog': 'skip' },
    testEmail: { verdict: 'error', hop: 'catchall-inbox', cause: 'mailflow-imap-login' },
  }),
  defineScenario({
    name: 'erp-bounce-alias-foreign',
    description:
      "The ERP (16) was set up by its hosting provider: mail.catchall.domain is the provider's erp-hosting.example, so its envelope sender is bounce@erp-hosting.example — no accepted domain — and Exchange Online refuses to relay its mail (5.7.64 ATTR36) although the connector matches.",
    apply: (state) => {
      const param = state.erp.params.find((p) => p.key === 'mail.catchall.domain');
      if (param) param.value = 'erp-hosting.example';
    },
    expect: { 'erp-envelope-sender': 'fail', 'erp-system-params': 'fail' },
    // The catch-all domain is wrong too, so the ERP routes the test mail to no alias: that is the cause.
    testEmail: { verdict: 'fail', hop: 'crm-lead', cause: 'erp-system-params' },
  }),
  defineScenario({
    name: 'erp-bounce-alias-missing',
    description:
      "The ERP (17) has no Bounce Alias on its alias domain, so it sends with each mail's own From address as envelope sender: mail by an author outside the tenant's domains is refused (5.7.64).",
    apply: (state) => {
      setErpVersion(state.erp, 17);
      const domain = state.erp.aliasDomains[0];
      if (domain) domain.bounce_alias = '';
    },
    expect: { 'erp-envelope-sender': 'fail' },
  }),
];
