/**
 * What each scenario's non-passing checks must say: the cause code they map to, or a key phrase of
 * their detail naming the real reason (not just "a detail longer than 30 characters"). Every check a
 * scenario's `expect` lists as fail, warn or error has an entry; the matrix refuses one without.
 */
export const SCENARIO_CAUSES: Record<string, Record<string, RegExp>> = {
  'erp-notify-module-missing': { 'erp-notify-module': /fetchmail_notify_error_to_sender is not installed/ },
  'erp-outgoing-wrong-port': { 'erp-outgoing-server': /smtp_port is 587, expected 25/, 'erp-outgoing-test': /^connection refused on the submission port$/ },
  'erp-incoming-basic-auth': { 'erp-incoming-server': /with a password/, 'erp-incoming-test': /^AUTHENTICATE failed$/ },
  'erp-base-url-not-frozen': { 'erp-system-params': /web\.base\.url\.freeze is not set/ },
  'erp-sales-alias-followers': { 'erp-sales-alias': /alias_contact is "followers", expected "everyone"/ },
  'erp-down': { 'erp-reachable': /refused the connection/ },
  'erp-bad-credentials': { 'erp-reachable': /refused the bot's login/ },
  'erp-bot-not-admin': {
    'erp-outgoing-server': /not allowed to read 'Mail Server'/,
    'erp-outgoing-test': /not allowed to read 'Mail Server'/,
    'erp-envelope-sender': /not allowed to read 'System Parameter'/,
    'erp-incoming-server': /not allowed to read 'Incoming Mail Server'/,
    'erp-incoming-test': /not allowed to read 'Incoming Mail Server'/,
    'erp-error-notice-template': /not allowed to read 'Incoming Mail Server'/,
    'erp-system-params': /not allowed to read 'System Parameter'/,
  },
  'connector-ip-missing': { 'exchange-connector-ips': /^5\.7\.64$/, 'erp-outgoing-test': /^5\.7\.64$/ },
  'connector-extra-ip': { 'exchange-connector-ips': /also admit 198\.51\.100\.0\/24/ },
  'connector-range': { 'exchange-connector-ips': /203\.0\.113\.0\/24 .*255 addresses besides the ERP's own/ },
  'connector-certificate-foreign': {
    'exchange-connector-ips': /^5\.7\.64$/,
    'erp-outgoing-test': /^5\.7\.64$/,
  },
  'connector-disabled': { 'exchange-connector': /^5\.7\.64$/, 'erp-outgoing-test': /^5\.7\.64$/ },
  'direct-send-rejected': {
    'exchange-connector-ips': /^5\.7\.64$/,
    'exchange-reject-direct-send': /^5\.7\.68$/,
    'erp-outgoing-test': /^5\.7\.64$/,
  },
  'catchall-rule-disabled': { 'exchange-catchall-rule': /State is Disabled/ },
  'catchall-rule-audit-mode': { 'exchange-catchall-rule': /Mode is Audit/ },
  'catchall-rule-wrong-target': { 'exchange-catchall-rule': /RedirectMessageTo is Alice Admin \(alice@contoso\.test\)/ },
  'catchall-rule-shadowed': { 'exchange-catchall-rule': /"Legal disclaimer" .*runs before/ },
  'domain-authoritative': { 'exchange-accepted-domain': /^5\.4\.1$/ },
  'dynamic-group-missing': {
    'exchange-dynamic-group': /no dynamic distribution group "DynamicAllUsers"/,
    'exchange-catchall-rule': /'All Users', which is no recipient in this tenant/,
  },
  'dynamic-group-stale-members': { 'exchange-dynamic-group': /dave@contoso\.test has a mailbox but is not yet in/ },
  'mailbox-unlicensed': { 'exchange-catchall-mailbox': /no licence with an Exchange Online plan/ },
  'mailbox-imap-disabled': {
    'exchange-catchall-mailbox': /ImapEnabled false/,
    'erp-incoming-test': /^not connected$/,
    'mailflow-imap-login': /refused to open its INBOX/,
  },
  'exo-forbidden': Object.fromEntries(
    [
      ['exchange-connector', 'Get-InboundConnector'],
      ['exchange-catchall-mailbox', 'Get-Mailbox'],
      ['exchange-dynamic-group', 'Get-DynamicDistributionGroup'],
      ['exchange-catchall-rule', 'Get-TransportRule'],
      ['exchange-accepted-domain', 'Get-AcceptedDomain'],
      ['exchange-reject-direct-send', 'Get-OrganizationConfig'],
      ['erp-envelope-sender', 'Get-AcceptedDomain'],
    ].map(([id, cmdlet]) => [id, new RegExp(`may not run ${cmdlet} in Exchange Online`)]),
  ),
  'exo-recipients-unreadable': {
    'exchange-catchall-mailbox': /The term 'Get-Mailbox' is not recognized/,
    'exchange-dynamic-group': /The term 'Get-DynamicDistributionGroup' is not recognized/,
    'exchange-catchall-rule': /The term 'Get-Recipient' is not recognized/,
  },
  'graph-forbidden': {
    'exchange-catchall-mailbox': /Authorization_RequestDenied/,
    'exchange-dynamic-group': /Authorization_RequestDenied/,
    'entra-domain': /Authorization_RequestDenied/,
  },
  'mx-elsewhere': { 'dns-mx': /points at mx1\.mailhost\.example/ },
  'spf-missing': { 'dns-spf': /no SPF record/ },
  'spf-two-records': { 'dns-spf': /2 SPF records/ },
  'fetchmail-stuck': { 'mailflow-fetchmail-backlog': /2 unread messages .* more than 2 × the ERP's fetch interval/ },
  'imap-app-no-access': { 'mailflow-imap-login': /refused to open its INBOX: "User is authenticated but not connected\."/ },
  'erp-bounce-alias-foreign': {
    'erp-envelope-sender': /^5\.7\.64 envelope sender$/,
    'erp-system-params': /mail\.catchall\.domain is "erp-hosting\.example", expected "contoso\.test"/,
  },
  'erp-bounce-alias-missing': { 'erp-envelope-sender': /^5\.7\.64 envelope sender$/ },
};
