import type { ErpIncomingServer, ErpOutgoingServer, ErpSession } from '../../adapters/erp/port.js';
import { erpLogin } from '../../adapters/erp/sources.js';
import type { TenantConfig } from '../../config/schema.js';
import type { Snapshot } from '../../engine/source.js';
import { MailsetupError } from '../../errors.js';

/** Helpers shared by the ERP checks. */

export const EXO_MX_SUFFIX = '.mail.protection.outlook.com';
/** Exchange Online's IMAP hosts (`imap.outlook.com` is what the Outlook OAuth form fills in). */
export const EXO_IMAP_HOSTS = ['outlook.office365.com', 'imap.outlook.com'];

/** The session the other ERP checks run under (they depend on `erp-reachable`, so it is there). */
export function sessionOf(snapshot: Snapshot): ErpSession {
  const login = snapshot.get(erpLogin);
  if (!login.ok) throw new MailsetupError('AuthFailed', `The ERP refused the bot's login "${login.login}".`, { source: 'erp' });
  return login.session;
}

/** `erp@contoso.com` → { local: 'erp', domain: 'contoso.com' }. */
export function catchallParts(tenant: TenantConfig): { local: string; domain: string } {
  const [local = '', domain = ''] = tenant.catchallMailbox.toLowerCase().split('@');
  return { local, domain };
}

/** The tenant's MX host as Exchange Online names it: `contoso.com` → `contoso-com.mail.protection.outlook.com`. */
export function expectedMxHost(domain: string): string {
  return `${domain.toLowerCase().replace(/\./g, '-')}${EXO_MX_SUFFIX}`;
}

/** The incoming server that reads the catch-all mailbox: an active one first, else an archived one. */
export function catchallServer(servers: readonly ErpIncomingServer[], tenant: TenantConfig): ErpIncomingServer | undefined {
  const mailbox = tenant.catchallMailbox.toLowerCase();
  const reading = servers.filter((s) => s.user?.toLowerCase() === mailbox);
  return reading.find((s) => s.active) ?? reading[0];
}

/** "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('; ')} and ${items[items.length - 1]}`;
}

export const MENU = {
  outgoing: 'Settings ▸ Technical ▸ Email ▸ Outgoing Mail Servers',
  incoming: 'Settings ▸ Technical ▸ Email ▸ Incoming Mail Servers',
  params: 'Settings ▸ Technical ▸ Parameters ▸ System Parameters',
  aliasDomains: 'Settings ▸ Technical ▸ Email ▸ Alias Domains',
  teams: 'CRM ▸ Configuration ▸ Sales Teams',
  apps: 'Apps',
  users: 'Settings ▸ Users & Companies ▸ Users',
} as const;

/** The Technical menu is only visible in developer mode. */
export const DEV_MODE = 'Turn on developer mode first (Settings ▸ Developer Tools ▸ Activate the developer mode).';

/**
 * The server the ERP uses for mail from the domain: by sequence; from 15 `from_filter` decides first
 * (a filter naming the domain, then servers without a filter).
 */
export function serverUsedFor(servers: readonly ErpOutgoingServer[], domain: string, major: number): ErpOutgoingServer | undefined {
  const active = activeBySequence(servers);
  if (major < 15) return active[0];
  return (
    active.find((s) => splitFilter(s.fromFilter).includes(domain)) ??
    active.find((s) => splitFilter(s.fromFilter).some((f) => f.endsWith(`@${domain}`))) ??
    active.find((s) => splitFilter(s.fromFilter).length === 0) ??
    active[0]
  );
}

/** The active outgoing servers in the order the ERP tries them: lowest sequence, then lowest id. */
export function activeBySequence(servers: readonly ErpOutgoingServer[]): ErpOutgoingServer[] {
  return servers.filter((s) => s.active).sort((a, b) => a.sequence - b.sequence || a.id - b.id);
}

/** `from_filter` is one domain or address; on 19 a comma-separated list. */
export function splitFilter(value: string | null): string[] {
  return (value ?? '')
    .toLowerCase()
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

/** An ERP message on one line (its lines joined by single spaces). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
