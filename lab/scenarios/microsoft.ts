import { labMailbox, labUser } from '../microsoft/state.js';
import type { LabState } from '../state.js';
import { defineScenario, type Scenario } from './types.js';

const ex = (s: LabState) => s.microsoft.exchange;
const connector = (s: LabState) => ex(s).inboundConnectors[0]!;
const catchallRule = (s: LabState) => ex(s).transportRules.find((r) => r.Name === 'Catchall for Twenty20')!;
const catchallUser = (s: LabState) => s.microsoft.graph.users.find((u) => u.userPrincipalName === s.tenant.catchallMailbox)!;
const catchallMailbox = (s: LabState) => ex(s).mailboxes.find((m) => m.PrimarySmtpAddress === s.tenant.catchallMailbox)!;

/**
 * Scenarios of the Microsoft 365 side. `expect` lists every check that does not pass; where the
 * state also breaks another area's check (the ERP's own SMTP/IMAP tests go through the lab's MX
 * and IMAP, which read this state), that check is listed too.
 */
export const microsoftScenarios: Scenario[] = [
  defineScenario({
    name: 'connector-ip-missing',
    description: 'The ERP moved to a new egress IP; the connector still lists an old one, so relay is refused with 5.7.64.',
    apply: (s) => {
      connector(s).SenderIPAddresses = ['203.0.113.99'];
    },
    expect: { 'exchange-connector-ips': 'fail', 'erp-outgoing-test': 'fail' },
    testEmail: { verdict: 'fail', hop: 'error-notice', cause: 'exchange-connector-ips' },
  }),
  defineScenario({
    name: 'connector-extra-ip',
    description: 'The connector admits a whole range besides the ERP: a stale whitelist anyone there could relay through.',
    apply: (s) => {
      connector(s).SenderIPAddresses = [...s.tenant.erpEgressIps, '198.51.100.0/24'];
    },
    expect: { 'exchange-connector-ips': 'warn' },
  }),
  defineScenario({
    name: 'connector-range',
    description: 'The connector admits the ERP through a whole /24 instead of its own address: 255 other addresses may relay too.',
    apply: (s) => {
      connector(s).SenderIPAddresses = ['203.0.113.0/24'];
    },
    expect: { 'exchange-connector-ips': 'warn' },
  }),
  defineScenario({
    name: 'connector-certificate',
    description:
      'The connector admits the ERP by the certificate it presents (*.<domain>, an accepted domain), not by IP, as Microsoft recommends (MC1226222).',
    apply: (s) => {
      Object.assign(connector(s), { SenderIPAddresses: [], TlsSenderCertificateName: `*.${s.tenant.domain}`, RequireTls: true });
    },
    expect: {},
  }),
  defineScenario({
    name: 'connector-certificate-foreign',
    description:
      "The ERP's certificate was renewed under its hosting provider's name and the connector follows it: not an accepted domain, so relay is refused with 5.7.64.",
    apply: (s) => {
      const renewed = 'erp.hosting-provider.example';
      Object.assign(connector(s), { SenderIPAddresses: [], TlsSenderCertificateName: renewed, RequireTls: true });
      s.tenant.certificateMap[s.tenant.erpLoopback] = renewed;
    },
    expect: { 'exchange-connector-ips': 'fail', 'erp-outgoing-test': 'fail' },
    testEmail: { verdict: 'fail', hop: 'error-notice', cause: 'exchange-connector-ips' },
  }),
  defineScenario({
    name: 'connector-disabled',
    description: "Someone turned the ERP's inbound connector off.",
    apply: (s) => {
      connector(s).Enabled = false;
    },
    expect: { 'exchange-connector': 'fail', 'exchange-connector-ips': 'skip', 'erp-outgoing-test': 'fail' },
    testEmail: { verdict: 'fail', hop: 'error-notice', cause: 'exchange-connector-ips' },
  }),
  defineScenario({
    name: 'direct-send-rejected',
    description: 'RejectDirectSend is on and the connector no longer matches the ERP: its mail as the domain is refused.',
    apply: (s) => {
      ex(s).organizationConfig.RejectDirectSend = true;
      connector(s).SenderIPAddresses = ['203.0.113.99'];
    },
    expect: {
      'exchange-connector-ips': 'fail',
      'exchange-reject-direct-send': 'fail',
      'erp-outgoing-test': 'fail',
    },
    testEmail: { verdict: 'fail', hop: 'error-notice', cause: 'exchange-connector-ips' },
  }),
  defineScenario({
    name: 'catchall-rule-disabled',
    description: 'The catch-all transport rule is disabled: mail to sales@ is not redirected.',
    apply: (s) => {
      catchallRule(s).State = 'Disabled';
    },
    expect: { 'exchange-catchall-rule': 'fail' },
    testEmail: { verdict: 'fail', hop: 'catchall-inbox', cause: 'exchange-catchall-rule' },
  }),
  defineScenario({
    name: 'catchall-rule-audit-mode',
    description: 'The catch-all rule runs in Audit mode: it logs but redirects nothing.',
    apply: (s) => {
      catchallRule(s).Mode = 'Audit';
    },
    expect: { 'exchange-catchall-rule': 'fail' },
    testEmail: { verdict: 'fail', hop: 'catchall-inbox', cause: 'exchange-catchall-rule' },
  }),
  defineScenario({
    name: 'catchall-rule-wrong-target',
    description: "The catch-all rule redirects to a person's mailbox instead of the ERP's.",
    apply: (s) => {
      // By display name, as Exchange stores it.
      catchallRule(s).RedirectMessageTo = ['Alice Admin'];
    },
    expect: { 'exchange-catchall-rule': 'fail' },
    testEmail: { verdict: 'fail', hop: 'catchall-inbox', cause: 'exchange-catchall-rule' },
  }),
  defineScenario({
    name: 'catchall-rule-shadowed',
    description: 'A disclaimer rule for all mail runs first and stops rule processing, so the catch-all never runs.',
    apply: (s) => {
      catchallRule(s).Priority = 1;
      ex(s).transportRules.unshift({
        ...catchallRule(s),
        Identity: 'Legal disclaimer',
        Name: 'Legal disclaimer',
        Guid: '9d4a5b6c-0000-4000-8000-0000000d15c1',
        Priority: 0,
        RedirectMessageTo: null,
        ExceptIfSentToScope: null,
        ExceptIfSentToMemberOf: null,
        SetAuditSeverity: '',
        StopRuleProcessing: true,
        Comments: 'Appends the legal disclaimer.',
      });
    },
    expect: { 'exchange-catchall-rule': 'fail' },
    testEmail: { verdict: 'fail', hop: 'catchall-inbox', cause: 'exchange-catchall-rule' },
  }),
  defineScenario({
    name: 'domain-authoritative',
    description: 'The domain is Authoritative: Exchange rejects unknown recipients (550 5.4.1) before the catch-all rule runs.',
    apply: (s) => {
      const domain = ex(s).acceptedDomains.find((d) => d.DomainName === s.tenant.domain)!;
      domain.DomainType = 'Authoritative';
    },
    expect: { 'exchange-accepted-domain': 'fail' },
    testEmail: { verdict: 'fail', hop: 'mx-sales', cause: 'exchange-accepted-domain' },
  }),
  defineScenario({
    name: 'dynamic-group-missing',
    description:
      'The dynamic group of all users was deleted; the catch-all rule still excepts it by name, which now resolves to no recipient.',
    apply: (s) => {
      ex(s).dynamicGroups = [];
    },
    expect: { 'exchange-dynamic-group': 'fail', 'exchange-catchall-rule': 'warn' },
  }),
  defineScenario({
    name: 'dynamic-group-stale-members',
    description: 'A user created two hours ago has a mailbox but is not yet in the dynamic group (24-hour refresh).',
    apply: (s) => {
      const hoursAgo = 2 / 24;
      const dave = labUser(s.tenant, 'dave', 'Dave New', hoursAgo, 5);
      s.microsoft.graph.users.push(dave);
      ex(s).mailboxes.push(labMailbox(dave, hoursAgo, s.tenant));
      const sku = s.microsoft.graph.subscribedSkus[0]!;
      sku.consumedUnits += 1;
    },
    expect: { 'exchange-dynamic-group': 'warn' },
  }),
  defineScenario({
    name: 'mailbox-unlicensed',
    description: "The catch-all user's licence was removed (its mailbox is still in the 30-day grace period).",
    apply: (s) => {
      const user = catchallUser(s);
      user.assignedLicenses = [];
      user.licenseDetails = [];
      s.microsoft.graph.subscribedSkus[0]!.consumedUnits -= 1;
    },
    expect: { 'exchange-catchall-mailbox': 'fail' },
  }),
  defineScenario({
    name: 'mailbox-imap-disabled',
    description: 'IMAP is off on the catch-all mailbox: the ERP (and the bot) cannot fetch its mail.',
    apply: (s) => {
      catchallMailbox(s).ImapEnabled = false;
    },
    expect: {
      'exchange-catchall-mailbox': 'fail',
      'erp-incoming-test': 'fail',
      'mailflow-imap-login': 'fail',
      'mailflow-fetchmail-backlog': 'skip',
    },
    testEmail: { verdict: 'error', hop: 'catchall-inbox', cause: 'mailflow-imap-login' },
  }),
  defineScenario({
    name: 'exo-forbidden',
    description: 'The app has Exchange.ManageAsApp but no Exchange role: every admin call is refused (403), so the bot cannot tell.',
    apply: (s) => {
      s.microsoft.appRoles.exchangeRole = false;
    },
    expect: {
      'exchange-connector': 'error',
      'exchange-connector-ips': 'skip',
      'exchange-catchall-mailbox': 'error',
      'exchange-dynamic-group': 'error',
      'exchange-catchall-rule': 'error',
      'exchange-accepted-domain': 'error',
      'exchange-reject-direct-send': 'error',
      // Reads the accepted domains too.
      'erp-envelope-sender': 'error',
    },
  }),
  defineScenario({
    name: 'exo-recipients-unreadable',
    description:
      "The app's Exchange roles cover configuration and transport rules but not recipients: Get-Recipient, Get-Mailbox and the group cmdlets are hidden (not recognized), the rest reads fine.",
    apply: (s) => {
      s.microsoft.appRoles.exchangeRoles = ['View-Only Configuration', 'Transport Rules', 'Remote and Accepted Domains'];
    },
    expect: {
      'exchange-catchall-mailbox': 'error',
      'exchange-dynamic-group': 'error',
      'exchange-catchall-rule': 'error',
    },
  }),
  defineScenario({
    name: 'graph-forbidden',
    description: 'The app lacks the Graph application permissions (User.Read.All, Domain.Read.All, Organization.Read.All).',
    apply: (s) => {
      s.microsoft.appRoles.graphDirectoryRead = false;
    },
    expect: { 'exchange-catchall-mailbox': 'error', 'exchange-dynamic-group': 'error', 'entra-domain': 'error' },
  }),
  defineScenario({
    name: 'graph-throttled',
    description: 'Graph answers the domains request once with 429 Retry-After: 1; the bot waits and every check passes.',
    apply: (s) => {
      s.faults.push({ service: 'graph', match: '/v1.0/domains', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    },
    expect: {},
  }),
];
