import type { MappedCause } from '../engine/result.js';

/**
 * Reply codes and error texts mapped to the setup step that causes them (exchange.md §e). Pure:
 * every check that sees a server reply, and test-email, asks this table for the likely cause.
 */

/** What was seen: a server's reply or error text, plus whatever context is known. */
export interface ReplyEvidence {
  /** The reply or error text as received, e.g. `550 5.7.64 TenantAttribution; Relay Access Denied [...]`. */
  text: string;
  protocol?: 'smtp' | 'imap';
  /** A transport failure code: `ETIMEDOUT`, `ECONNREFUSED`, `ECONNECTION`… */
  errorCode?: string;
  /** The port the client talked to. */
  port?: number;
  /** Who saw it: the ERP (its own test or fetch — the default) or the bot's own probe. */
  seenBy?: 'erp' | 'bot';
  /** The tenant's own values, filled into the fixes (never a `<connector>` placeholder). */
  known?: KnownValues;
  /**
   * What is known about a relay that was refused: the envelope sender (SMTP MAIL FROM) and whether
   * its domain is an accepted domain of the tenant. Decides between the two causes of 5.7.64.
   */
  relay?: { envelopeSender?: string; senderDomainAccepted?: boolean };
  /** The ERP's major version when known, so a fix names only what that version has. */
  erpVersion?: number;
}

/** What the caller knows of the tenant (its config, the report), for fixes with real values. */
export interface KnownValues {
  /** The inbound connector's name. */
  connector?: string;
  /** The ERP's egress IPs. */
  egressIps?: readonly string[];
  domain?: string;
  /** The domain's MX host (`contoso-com.mail.protection.outlook.com`). */
  mxHost?: string;
}

/** The 5.7.64 fix: the connector command with the tenant's connector and IPs, or the steps in words. */
function connectorFix(k: KnownValues = {}): string {
  const ips = k.egressIps?.length ? k.egressIps : undefined;
  const renewal = 'For a certificate-based connector, update TlsSenderCertificateName after a certificate renewal instead.';
  if (k.connector && ips) {
    const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const add = ips.length === 1 ? quote(ips[0] as string) : ips.map(quote).join(',');
    return `Add ${ips.join(', ')} to the inbound connector "${k.connector}": Set-InboundConnector -Identity ${quote(k.connector)} -SenderIPAddresses @{Add=${add}}. ${renewal}`;
  }
  const which = ips ? ips.join(', ') : "the ERP's public egress IP (message trace `fromIP`)";
  const add = ips ? `@{Add=${ips.map((ip) => `'${ip}'`).join(',')}}` : '@{Add=…}';
  return `Add ${which} to the SenderIPAddresses of the ERP's inbound connector (Exchange admin center → Mail flow → Connectors, or Set-InboundConnector -SenderIPAddresses ${add}). ${renewal}`;
}

/** The MX host in a sentence: the known one, or where to read it. */
function mxHost(k: KnownValues = {}): string {
  return (
    k.mxHost ??
    (k.domain
      ? `the MX host of ${k.domain} (its MX record, *.mail.protection.outlook.com)`
      : "the domain's MX host (*.mail.protection.outlook.com)")
  );
}

interface CauseRule {
  /** The code or text reported as matched. */
  code: string | ((e: ReplyEvidence) => string);
  matches(e: ReplyEvidence): boolean;
  checkId: string | ((e: ReplyEvidence) => string);
  explanation: string | ((e: ReplyEvidence) => string);
  fix: string | ((e: ReplyEvidence) => string);
}

/** `5.7.64` from `550 5.7.64 TenantAttribution…` (the first enhanced status code, RFC 3463). */
export function enhancedCode(text: string): string | undefined {
  return /(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)/.exec(text)?.[1];
}

/** The basic reply code at the start of a reply (`550`), if any. */
export function replyCode(text: string): number | undefined {
  const m = /^\s*([2-5]\d\d)[ -]/.exec(text);
  return m ? Number(m[1]) : undefined;
}

const enhancedIs = (code: string) => (e: ReplyEvidence) => enhancedCode(e.text) === code;
const detailOf = (e: ReplyEvidence) => {
  const m = /^5\.7\.(\d{1,3})$/.exec(enhancedCode(e.text) ?? '');
  return m ? Number(m[1]) : undefined;
};
const isTimeout = (e: ReplyEvidence) => /^(ETIMEDOUT|ETIMEOUT)$/.test(e.errorCode ?? '') || /\btimed? ?out\b/i.test(e.text);

const isRelayDenied = (e: ReplyEvidence) => enhancedIs('5.7.64')(e) || /\bTenantAttribution\b/.test(e.text);

const RULES: readonly CauseRule[] = [
  {
    // Since 1 Nov 2023. Reports show an ATTR suffix (ATTR36) for it; the context decides, not the suffix.
    code: '5.7.64 envelope sender',
    matches: (e) => isRelayDenied(e) && e.relay?.senderDomainAccepted === false,
    checkId: 'erp-envelope-sender',
    explanation: (e) =>
      `Exchange Online relays mail that arrives through an OnPremises connector only when the envelope sender (SMTP MAIL FROM) — or the certificate the sender presents — is in an accepted domain of the tenant (since 1 Nov 2023); the ERP's envelope sender${e.relay?.envelopeSender ? ` ${e.relay.envelopeSender}` : ''} is not, so relaying to outside recipients is refused (550 5.7.64 TenantAttribution; Relay Access Denied).`,
    fix: "Make the ERP's bounce address an address of your domain: on Odoo 12–16 the system parameters mail.catchall.domain (your domain) and mail.bounce.alias (e.g. bounce); on 17+ the company's Alias Domain with a Bounce Alias (see `check erp-envelope-sender`).",
  },
  {
    code: '5.7.64',
    matches: isRelayDenied,
    checkId: 'exchange-connector-ips',
    explanation:
      "Exchange Online found no inbound connector matching the sending server (550 5.7.64 TenantAttribution; Relay Access Denied): its public IP is not in the connector's SenderIPAddresses, or its certificate no longer matches TlsSenderCertificateName, so it refuses to relay to outside recipients. Since 1 Nov 2023 the same reply also means the envelope sender (MAIL FROM) is in no accepted domain (see `check erp-envelope-sender`).",
    fix: (e) => connectorFix(e.known),
  },
  {
    code: '5.7.68',
    matches: (e) => enhancedIs('5.7.68')(e) || /\bTenantInboundAttribution\b/.test(e.text),
    checkId: 'exchange-reject-direct-send',
    explanation:
      'RejectDirectSend is on and no connector matched the sender, so Exchange Online refuses anonymous mail whose MAIL FROM is one of your own domains (550 5.7.68 TenantInboundAttribution; Direct Send not allowed).',
    fix: "Make the ERP's mail match a connector (its egress IP in the inbound connector's SenderIPAddresses), or turn RejectDirectSend off: Set-OrganizationConfig -RejectDirectSend $false.",
  },
  {
    code: '5.4.1',
    matches: enhancedIs('5.4.1'),
    checkId: 'exchange-accepted-domain',
    explanation:
      'The domain is Authoritative, so Directory-Based Edge Blocking refuses every address that is not a mailbox or group (550 5.4.1 Recipient address rejected: Access denied): mail to sales@ and other ERP aliases never reaches the catch-all rule.',
    fix: (e) =>
      e.known?.domain
        ? `Set the accepted domain to InternalRelay: Set-AcceptedDomain -Identity ${e.known.domain} -DomainType InternalRelay.`
        : 'Set the accepted domain to InternalRelay (Exchange admin center → Mail flow → Accepted domains → the domain → Internal relay).',
  },
  {
    code: '5.4.14',
    matches: (e) => enhancedIs('5.4.14')(e) || /Hop count exceeded/i.test(e.text),
    checkId: 'exchange-catchall-rule',
    explanation:
      "The mail looped until its hop count ran out (554 5.4.14 Hop count exceeded - possible mail loop): the domain is InternalRelay, nothing redirected the address to the catch-all mailbox, so Exchange Online relayed it to the domain's MX — itself — again and again. The catch-all transport rule is missing, disabled, in Audit mode, or an exception caught the address.",
    fix: 'Enable the catch-all rule and check its properties: Enable-TransportRule -Identity "Catchall for Twenty20" -Mode Enforce (see `check exchange-catchall-rule`).',
  },
  {
    code: '5.7.57',
    matches: (e) => enhancedIs('5.7.57')(e) || /Client was not authenticated/i.test(e.text),
    checkId: 'erp-outgoing-server',
    explanation:
      'The ERP talks to the client-submission host (smtp.office365.com:587), which requires a login (530 5.7.57 Client was not authenticated to send anonymous mail), instead of relaying to the MX host on port 25.',
    fix: (e) => `Point the ERP's outgoing mail server at ${mxHost(e.known)}, port 25, STARTTLS, no username.`,
  },
  {
    code: '5.7.30',
    matches: (e) => enhancedIs('5.7.30')(e) || /Basic authentication is not supported for Client Submission/i.test(e.text),
    checkId: 'erp-outgoing-server',
    explanation:
      'The ERP logs in to smtp.office365.com with a password, and SMTP AUTH Basic is off for the tenant (550 5.7.30 Basic authentication is not supported for Client Submission).',
    fix: "Use the relay instead: the ERP's outgoing server on the MX host, port 25, STARTTLS, no login, with the ERP's IP in the inbound connector.",
  },
  {
    code: '5.5.2',
    matches: (e) => enhancedIs('5.5.2')(e) || /send hello first/i.test(e.text),
    checkId: 'erp-outgoing-server',
    explanation:
      'The SMTP client sent MAIL before EHLO, or did not repeat EHLO after STARTTLS (503 5.5.2 Send hello first): a problem of the sending SMTP library or its settings.',
    fix: "Check the ERP's outgoing server: Connection Encryption TLS (STARTTLS) on port 25, and no proxy or SMTP library that skips EHLO.",
  },
  {
    code: (e) => enhancedCode(e.text) ?? '5.7.606-649',
    matches: (e) => {
      const d = detailOf(e);
      return d !== undefined && d >= 606 && d <= 649;
    },
    checkId: 'exchange-connector-ips',
    explanation:
      "The sending IP is on Microsoft's blocklist (550 5.7.606-649 Access denied, banned sending IP): Exchange Online refuses all mail from it, connector or not.",
    fix: 'Request delisting at https://sender.office.com, check the IP at Microsoft SNDS, and find out why it was listed (a compromised host or relay).',
  },
  {
    code: '5.7.708',
    matches: enhancedIs('5.7.708'),
    checkId: 'exchange-connector-ips',
    explanation:
      'Exchange Online does not accept traffic from the sending IP because of its low reputation (550 5.7.708 Access denied, traffic not accepted from this IP) — typical for new or trial tenants and fresh IPs; it is about the IP, not the connector settings.',
    fix: 'Check Defender → Restricted entities, then ask for delisting at https://sender.office.com or open a Microsoft support ticket.',
  },
  {
    code: '5.7.705',
    matches: enhancedIs('5.7.705'),
    checkId: 'exchange-connector-ips',
    explanation:
      'The tenant has exceeded its outbound threshold (550 5.7.705): Exchange Online saw spam from a compromised relay or connector and blocked the tenant.',
    fix: 'Find and stop the source (a compromised ERP user or server relaying spam), then contact Microsoft Support to unblock the tenant.',
  },
  {
    code: (e) => enhancedCode(e.text) ?? '4.7.5xx',
    matches: (e) => /^4\.7\.[5-6]\d\d$/.test(enhancedCode(e.text) ?? ''),
    checkId: 'exchange-connector-ips',
    explanation:
      'Exchange Online throttles or greylists the sending IP (451 4.7.500-699 ASxxx): a new IP or a change in sending pattern, usually from an IP that no inbound connector covers.',
    fix: "Put the ERP's egress IP in the inbound connector's SenderIPAddresses, or let the volume ramp up; the mail is retried.",
  },
  {
    code: 'Spamhaus',
    matches: (e) => /spamhaus/i.test(e.text),
    checkId: 'exchange-connector-ips',
    explanation: 'The sending IP is listed on Spamhaus, and Exchange Online refuses mail from it (550 5.7.1 … blocked using Spamhaus).',
    fix: 'Look the IP up at https://check.spamhaus.org and request its removal there.',
  },
  {
    code: 'not connected',
    matches: (e) => e.protocol !== 'smtp' && /User is authenticated but not connected/i.test(e.text),
    checkId: (e) => (e.seenBy === 'bot' ? 'mailflow-imap-login' : 'exchange-catchall-mailbox'),
    explanation: (e) =>
      e.seenBy === 'bot'
        ? 'Exchange Online took the app\'s token but will not open the catch-all mailbox ("User is authenticated but not connected."): the app\'s service principal has no FullAccess on it, or IMAP is turned off for the mailbox.'
        : 'Exchange Online took the login but will not open the mailbox over IMAP ("User is authenticated but not connected."): IMAP is turned off for the mailbox, or the mailbox is not licensed.',
    fix: (e) =>
      e.seenBy === 'bot'
        ? 'Grant the service principal FullAccess (Add-MailboxPermission -Identity <catch-all mailbox> -User <service principal> -AccessRights FullAccess) and turn IMAP on (Set-CASMailbox -Identity <catch-all mailbox> -ImapEnabled $true).'
        : 'Turn IMAP on for the catch-all mailbox (Set-CASMailbox -Identity <catch-all mailbox> -ImapEnabled $true) and check its licence (see `check exchange-catchall-mailbox`).',
  },
  {
    code: (e) =>
      /AUTHENTICATIONFAILED/.test(e.text) ? 'AUTHENTICATIONFAILED' : /LOGIN failed/i.test(e.text) ? 'LOGIN failed' : 'AUTHENTICATE failed',
    matches: (e) => e.protocol !== 'smtp' && /AUTHENTICATE failed|LOGIN failed|\[AUTHENTICATIONFAILED\]/i.test(e.text),
    checkId: (e) => (e.seenBy === 'bot' ? 'mailflow-imap-login' : 'erp-incoming-server'),
    explanation: (e) =>
      e.seenBy === 'bot'
        ? "The IMAP server refused the bot's login to the catch-all mailbox. Exchange Online refuses password (Basic) IMAP since 2022; app-only OAuth needs IMAP.AccessAsApp, the service principal and FullAccess on the mailbox."
        : 'The IMAP server refused the login. Exchange Online has refused password (Basic) IMAP since 2022, so an incoming mail server of type IMAP with a password fails with "AUTHENTICATE failed" / "LOGIN failed".',
    fix: (e) =>
      e.seenBy === 'bot'
        ? 'Grant the app IMAP.AccessAsApp with admin consent, run New-ServicePrincipal and Add-MailboxPermission -AccessRights FullAccess for the catch-all mailbox, or fix the configured IMAP password.'
        : `Switch the ERP's incoming mail server to OAuth: ${outlookForm(e.erpVersion)}, then "Connect your Outlook account" and Test & Confirm.`,
  },
  {
    code: 'connection refused on the submission port',
    matches: (e) => e.protocol !== 'imap' && /refused/i.test(e.text) && (/:(587|465)\b/.test(e.text) || e.port === 587 || e.port === 465),
    checkId: 'erp-outgoing-server',
    explanation:
      'The outgoing server talks to port 587 or 465: the MX host (*.mail.protection.outlook.com) only takes mail on port 25, and the submission ports belong to smtp.office365.com, which needs a login.',
    fix: "Set the ERP's outgoing mail server to the MX host on port 25 with STARTTLS and no username.",
  },
  {
    code: (e) => `timeout on port ${e.port ?? 25}`,
    matches: (e) => e.protocol !== 'imap' && (e.port === undefined || e.port === 25) && isTimeout(e),
    checkId: (e) => (e.seenBy === 'bot' ? 'mailflow-e2e' : 'erp-outgoing-server'),
    explanation: (e) =>
      `${e.seenBy === 'bot' ? "The bot's host" : 'The ERP host'} got no answer on port 25: cloud providers block outbound port 25 (Azure except EA/MCA-E subscriptions, GCP always, AWS until a request is filed), or a firewall drops it.`,
    fix: (e) =>
      e.seenBy === 'bot'
        ? 'Run the bot where outbound port 25 is open, or ask the provider to unblock it; the MX itself is probably fine.'
        : `Test port 25 from the ERP host to ${e.known?.mxHost ? `\`${e.known.mxHost}\` (\`nc -vz ${e.known.mxHost} 25\`)` : mxHost(e.known)}; ask the cloud provider to unblock it, or relay through a host that may send on port 25.`,
  },
];

/** The likely cause of a reply or error, or undefined when the table does not know it. */
/** The ERP's OAuth form of an incoming server: a server type from 16, a flag on an IMAP server before. */
function outlookForm(version: number | undefined): string {
  if (version === undefined) return 'server type "Outlook" (module microsoft_outlook, 16+) or "use Microsoft Outlook service" (12–15)';
  return version >= 16
    ? 'server type "Outlook" (module microsoft_outlook)'
    : 'tick "use Microsoft Outlook service" (module microsoft_outlook)';
}

export function mapCause(evidence: ReplyEvidence): MappedCause | undefined {
  const rule = RULES.find((r) => r.matches(evidence));
  if (!rule) return undefined;
  const pick = (v: string | ((e: ReplyEvidence) => string)) => (typeof v === 'function' ? v(evidence) : v);
  return { code: pick(rule.code), checkId: pick(rule.checkId), explanation: pick(rule.explanation), fix: pick(rule.fix) };
}

/** Shorthand for a text alone (an NDR line, an ERP error message). */
export function causeOfText(text: string, context: Omit<ReplyEvidence, 'text'> = {}): MappedCause | undefined {
  return mapCause({ ...context, text });
}
