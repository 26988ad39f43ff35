import type { ErpAliasDomain, ErpIncomingServer, ErpLead, ErpMessageRef, ErpOutgoingServer, ErpRecord, ErpSalesTeam } from './port.js';

/**
 * Odoo → plain values. Odoo sends `false` for an empty char/many2one and `[id, name]` for a many2one;
 * the normalised records use null and `{id, name}`, and keep what was read in `raw`.
 */

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

export function many2one(value: unknown): { id: number; name: string } | null {
  if (Array.isArray(value) && typeof value[0] === 'number') return { id: value[0], name: String(value[1] ?? '') };
  if (typeof value === 'number') return { id: value, name: '' };
  return null;
}

/** Fields that hold a secret are never read; this drops them if a caller asked anyway. */
const SECRET_FIELDS = new Set(['smtp_pass', 'password', 'microsoft_outlook_refresh_token', 'microsoft_outlook_access_token', 'key']);

export function rawOf(record: ErpRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !SECRET_FIELDS.has(k)));
}

export function toOutgoingServer(r: ErpRecord): ErpOutgoingServer {
  return {
    id: r.id,
    name: text(r.name) ?? '',
    smtpHost: text(r.smtp_host) ?? '',
    smtpPort: num(r.smtp_port) ?? 0,
    smtpEncryption: text(r.smtp_encryption) ?? 'none',
    smtpUser: text(r.smtp_user),
    smtpAuthentication: text(r.smtp_authentication),
    active: r.active !== false,
    sequence: num(r.sequence) ?? 10,
    fromFilter: text(r.from_filter),
    raw: rawOf(r),
  };
}

export function toIncomingServer(r: ErpRecord, typeField: 'type' | 'server_type'): ErpIncomingServer {
  return {
    id: r.id,
    name: text(r.name) ?? '',
    serverType: text(r[typeField]) ?? '',
    host: text(r.server),
    port: num(r.port),
    isSsl: r.is_ssl === true,
    user: text(r.user),
    state: text(r.state) ?? 'draft',
    active: r.active !== false,
    useMicrosoftOutlookService: 'use_microsoft_outlook_service' in r ? r.use_microsoft_outlook_service === true : null,
    errorNoticeTemplate: 'error_notice_template_id' in r ? many2one(r.error_notice_template_id) : undefined,
    lastFetch: text(r.date),
    errorMessage: text(r.error_message),
    raw: rawOf(r),
  };
}

export function toAliasDomain(r: ErpRecord): ErpAliasDomain {
  return {
    id: r.id,
    name: text(r.name) ?? '',
    catchallAlias: text(r.catchall_alias),
    bounceAlias: text(r.bounce_alias),
    defaultFrom: text(r.default_from),
    raw: rawOf(r),
  };
}

export function toSalesTeam(r: ErpRecord): ErpSalesTeam {
  return {
    id: r.id,
    name: text(r.name) ?? '',
    aliasName: text(r.alias_name),
    aliasContact: text(r.alias_contact),
    aliasStatus: text(r.alias_status),
    aliasDomain: many2one(r.alias_domain_id)?.name ?? null,
    raw: rawOf(r),
  };
}

export function toMessageRef(r: ErpRecord): ErpMessageRef {
  return {
    id: r.id,
    messageId: text(r.message_id) ?? '',
    model: text(r.model),
    resId: num(r.res_id),
    date: text(r.date),
    subject: text(r.subject),
  };
}

export function toLead(r: ErpRecord): ErpLead {
  return {
    id: r.id,
    name: text(r.name) ?? '',
    emailFrom: text(r.email_from),
    team: many2one(r.team_id),
    type: text(r.type),
    createDate: text(r.create_date),
    raw: rawOf(r),
  };
}

/** `<abc@host>` whether or not the caller gave the brackets (Odoo stores them). */
export function bracketed(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}
