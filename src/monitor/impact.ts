/**
 * What a failing watched check means for mail, in the user's terms: what stopped working (a noun
 * the team uses) and what that does to mail. `{domain}` is the tenant's mail domain.
 */
export interface Impact {
  what: string;
  meaning: string;
}

const IMPACTS: Record<string, Impact> = {
  'exchange-catchall-rule': {
    what: 'the catch-all rule',
    meaning: 'mail to unknown addresses at {domain} now bounces and never reaches the ERP',
  },
  'exchange-connector-ips': {
    what: "the connector's IP addresses",
    meaning: 'Exchange Online refuses the mail the ERP sends (550 5.7.64): quotes, invoices and notifications from the ERP do not go out',
  },
  'exchange-connector': {
    what: "the ERP's inbound connector",
    meaning: 'Exchange Online does not relay the mail the ERP sends to outside recipients',
  },
  'exchange-catchall-mailbox': {
    what: 'the catch-all mailbox',
    meaning: 'mail for the ERP at {domain} has no mailbox to land in, so the ERP receives nothing',
  },
  'exchange-accepted-domain': {
    what: 'the accepted domain',
    meaning: 'mail to addresses without a mailbox at {domain} is refused before the catch-all rule sees it',
  },
  'dns-mx': {
    what: 'the MX record',
    meaning: 'mail to {domain} may not reach Exchange Online at all',
  },
  'erp-reachable': {
    what: 'the ERP login',
    meaning: 'the bot cannot read the ERP, and the ERP may not be taking mail either',
  },
  'erp-outgoing-test': {
    what: "the ERP's outgoing mail",
    meaning: 'the ERP cannot hand its mail to Exchange Online: nothing it sends goes out',
  },
  'erp-incoming-test': {
    what: "the ERP's incoming mail",
    meaning: 'the ERP cannot log into the catch-all mailbox: mail for it piles up unread',
  },
  'erp-envelope-sender': {
    what: "the ERP's envelope sender",
    meaning: 'Exchange Online refuses to relay the ERP mail to outside recipients',
  },
  'mailflow-imap-login': {
    what: 'the login to the catch-all mailbox',
    meaning: 'nobody (neither the bot nor, likely, the ERP) can read the mail waiting for the ERP',
  },
  'mailflow-fetchmail-backlog': {
    what: "the ERP's fetchmail",
    meaning: 'mail waits unread in the catch-all mailbox and the ERP creates no leads or tickets from it',
  },
  'mailflow-e2e': {
    what: 'mail to the ERP',
    meaning: 'a test mail did not make it all the way into the ERP: customers writing to {domain} may not be heard',
  },
};

export function impactOf(checkId: string, title: string, domain: string | undefined): Impact {
  const found = IMPACTS[checkId] ?? {
    what: lowerFirst(title),
    meaning: 'part of the mail between the ERP and Exchange Online is not working as set up',
  };
  const place = domain ?? 'your domain';
  return { what: found.what, meaning: found.meaning.replaceAll('{domain}', place) };
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
