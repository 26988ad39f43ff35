import type { ErpAliasDomains } from '../../adapters/erp/port.js';

/** The ERP's envelope sender (SMTP MAIL FROM) of real mail, and what it is built from. */
export type EnvelopeSender =
  | { address: string; basis: 'mail.bounce.alias@mail.catchall.domain' | 'mail.alias.domain.bounce_email'; aliasDomain?: string }
  | { address: null; basis: 'from-address' };

/** Odoo's default bounce alias when `mail.bounce.alias` is unset (12–16). */
export const DEFAULT_BOUNCE_ALIAS = 'postmaster-odoo';

/**
 * Odoo's `_get_default_bounce_address`: up to 16, `mail.bounce.alias` (default postmaster-odoo) @
 * `mail.catchall.domain`; from 17, the company's alias domain's `bounce_email` (bounce_alias @ name).
 * Without them Odoo sends with each mail's own From address as envelope sender.
 */
export function envelopeSender(major: number, params: Record<string, string | null>, aliasDomains: ErpAliasDomains | null): EnvelopeSender {
  if (major >= 17 && aliasDomains !== null) {
    const company = aliasDomains.companies[0];
    const record = aliasDomains.domains.find((d) => d.id === company?.aliasDomainId);
    if (record?.bounceAlias) {
      return { address: `${record.bounceAlias}@${record.name}`, basis: 'mail.alias.domain.bounce_email', aliasDomain: record.name };
    }
    return { address: null, basis: 'from-address' };
  }
  const domain = params['mail.catchall.domain']?.trim();
  if (!domain) return { address: null, basis: 'from-address' };
  const alias = params['mail.bounce.alias']?.trim() || DEFAULT_BOUNCE_ALIAS;
  return { address: `${alias}@${domain}`, basis: 'mail.bounce.alias@mail.catchall.domain' };
}
