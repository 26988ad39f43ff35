import { NOTIFY_MODULE, setErpVersion } from '../erp/state.js';
import type { LabState } from '../state.js';
import { defineScenario, type Scenario } from './types.js';

/** Every ERP check but `erp-reachable`, skipped when the bot cannot get in. */
const ERP_SKIPPED = {
  'erp-notify-module': 'skip',
  'erp-outgoing-server': 'skip',
  'erp-outgoing-test': 'skip',
  'erp-envelope-sender': 'skip',
  'erp-incoming-server': 'skip',
  'erp-incoming-test': 'skip',
  'erp-error-notice-template': 'skip',
  'erp-system-params': 'skip',
  'erp-sales-alias': 'skip',
} as const;

const botUser = (state: LabState) => {
  const user = state.erp.users.find((u) => u.login === state.erp.bot.login);
  if (!user) throw new Error('the lab ERP has no bot user');
  return user;
};

/** Scenarios of the erp area. */
export const erpScenarios: Scenario[] = [
  defineScenario({
    name: 'erp-notify-module-missing',
    description: 'The OCA module fetchmail_notify_error_to_sender is not installed: wrong-address mail is dropped silently.',
    apply: (state) => {
      const module = state.erp.modules.find((m) => m.name === NOTIFY_MODULE);
      if (module) module.state = 'uninstalled';
    },
    expect: { 'erp-notify-module': 'fail', 'erp-error-notice-template': 'skip' },
    testEmail: { verdict: 'fail', hop: 'error-notice', cause: 'erp-notify-module' },
  }),
  defineScenario({
    name: 'erp-outgoing-wrong-port',
    description: 'The outgoing mail server uses port 587 instead of 25 on the MX host.',
    apply: (state) => {
      const server = state.erp.mailServers[0];
      if (server) server.smtp_port = 587;
    },
    // The ERP's own Test Connection gets no answer on 587 either.
    expect: { 'erp-outgoing-server': 'fail', 'erp-outgoing-test': 'fail' },
    testEmail: { verdict: 'fail', hop: 'error-notice', cause: 'erp-outgoing-server' },
  }),
  defineScenario({
    name: 'erp-incoming-basic-auth',
    description: 'The incoming mail server logs into Exchange Online over IMAP with a password (Basic auth, off since 2022).',
    apply: (state) => {
      const server = state.erp.fetchmailServers[0];
      if (!server) return;
      server.server_type = 'imap';
      server.use_microsoft_outlook_service = false;
      server.password = 'Summer2022!';
    },
    // The ERP's own Test & Confirm gets "AUTHENTICATE failed".
    expect: { 'erp-incoming-server': 'fail', 'erp-incoming-test': 'fail' },
    testEmail: { verdict: 'fail', hop: 'erp-fetch', cause: 'erp-incoming-test' },
  }),
  defineScenario({
    name: 'erp-base-url-not-frozen',
    description: 'web.base.url.freeze is missing, so the next admin login from another address rewrites web.base.url.',
    apply: (state) => {
      state.erp.params = state.erp.params.filter((p) => p.key !== 'web.base.url.freeze');
    },
    expect: { 'erp-system-params': 'fail' },
  }),
  defineScenario({
    name: 'erp-sales-alias-followers',
    description: 'The sales alias accepts mail from followers only: customers are bounced instead of becoming leads.',
    apply: (state) => {
      const team = state.erp.teams.find((t) => t.name === 'Sales');
      if (team) team.alias_contact = 'followers';
    },
    expect: { 'erp-sales-alias': 'fail' },
    testEmail: { verdict: 'fail', hop: 'crm-lead', cause: 'erp-sales-alias' },
  }),
  defineScenario({
    name: 'erp-v13',
    description: 'A healthy ERP on version 13: `type` instead of `server_type`, OAuth as a flag, no from_filter.',
    apply: (state) => setErpVersion(state.erp, 13),
    expect: {},
  }),
  defineScenario({
    name: 'erp-v17',
    description: 'A healthy ERP on version 17: the catch-all lives in mail.alias.domain (the old parameters are stale and ignored).',
    apply: (state) => {
      setErpVersion(state.erp, 17);
      // Edited after the one-time migration: 17 ignores these.
      const stale = state.erp.params.find((p) => p.key === 'mail.catchall.domain');
      if (stale) stale.value = 'old-erp.contoso.test';
    },
    expect: {},
  }),
  defineScenario({
    name: 'erp-v19',
    description: 'A healthy ERP on version 19, spoken to over JSON-2 with an API key.',
    apply: (state) => setErpVersion(state.erp, 19),
    expect: {},
  }),
  defineScenario({
    name: 'erp-down',
    description: 'The ERP does not answer: nothing listens at its address.',
    apply: (state) => {
      state.erp.reachable = false;
    },
    expect: { 'erp-reachable': 'error', ...ERP_SKIPPED },
    testEmail: { verdict: 'error', hop: 'erp-fetch' },
  }),
  defineScenario({
    name: 'erp-bad-credentials',
    description: "Someone changed the bot user's password and revoked its API key in the ERP; the bot's config still has the old ones.",
    apply: (state) => {
      const user = botUser(state);
      user.password = `changed-${user.password.split('').reverse().join('')}`;
      user.apiKeys = [];
    },
    expect: { 'erp-reachable': 'fail', ...ERP_SKIPPED },
    testEmail: { verdict: 'error', hop: 'erp-fetch' },
  }),
  defineScenario({
    name: 'erp-bot-not-admin',
    description: 'The bot user lost the Settings right: it can log in but may not read mail servers or system parameters.',
    apply: (state) => {
      const user = botUser(state);
      user.groups = user.groups.filter((g) => g !== 'base.group_system');
    },
    expect: {
      'erp-outgoing-server': 'error',
      'erp-outgoing-test': 'error',
      'erp-incoming-server': 'error',
      'erp-incoming-test': 'error',
      'erp-error-notice-template': 'error',
      'erp-system-params': 'error',
      'erp-envelope-sender': 'error',
    },
    testEmail: { verdict: 'error', hop: 'erp-fetch' },
  }),
];
