import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { LabState } from '../state.js';
import { envelopeSenderOf, fetchFailed, imapServerOf, logLine, param, smtpServerOf } from './mail.js';
import { isInstalled } from './models.js';
import { userError } from './odoo-error.js';
import { type ErpState, type FetchmailServerRecord, type MailServerRecord, NOTIFY_MODULE, odooDate, type TeamRecord } from './state.js';

/**
 * The mail gateway: `fetch_mail` reads the unseen mail of an incoming server through `mailOps` and
 * routes each message as `mail.thread.message_route` does — duplicate Message-Id ignored, reply to a
 * known Message-Id → that thread, an alias → a new `crm.lead`, otherwise "no possible route", which the
 * OCA module answers with the error notice (From = the original To, To = the original From).
 */

export type FetchMode = 'manual' | 'cron';

export async function fetchMail(lab: LabState, servers: FetchmailServerRecord[], mode: FetchMode): Promise<true> {
  for (const server of servers) await fetchOne(lab, server, mode);
  return true;
}

async function fetchOne(lab: LabState, server: FetchmailServerRecord, mode: FetchMode): Promise<void> {
  const erp = lab.erp;
  let raws: Buffer[];
  try {
    raws = await lab.mailOps.fetchUnseen(imapServerOf(erp, server));
  } catch (error) {
    const reply = error instanceof Error ? error.message : String(error);
    // `date` is written even after a failure: a recent date proves nothing.
    server.date = odooDate(Date.now());
    logLine(erp, `General failure when trying to fetch mail from ${server.server_type} server ${server.name}. ${reply}`);
    if (erp.version >= 19) {
      server.error_date = odooDate(Date.now());
      server.error_message = reply;
      if (mode === 'manual') throw userError(reply);
      return;
    }
    // 12–16 only log (fetch_mail returns True); 17–18 raise on a manual fetch.
    if (erp.version >= 17 && mode === 'manual') throw fetchFailed(reply);
    return;
  }
  for (const raw of raws) {
    try {
      await route(lab, server, await simpleParser(raw));
    } catch (error) {
      // Odoo logs and moves on; the message stays \Seen and is lost.
      logLine(erp, `Failed to process mail from ${server.server_type} server ${server.name}. ${(error as Error).message}`);
    }
  }
  server.date = odooDate(Date.now());
  if (erp.version >= 19) {
    server.error_date = null;
    server.error_message = null;
  }
}

async function route(lab: LabState, server: FetchmailServerRecord, mail: ParsedMail): Promise<void> {
  const erp = lab.erp;
  const messageId = mail.messageId ? bracket(mail.messageId) : `<${Date.now()}.${erp.nextId}@lab.erp>`;
  if (erp.messages.some((m) => m.message_id === messageId)) {
    logLine(
      erp,
      `Ignored mail from ${formatted(mail.from)} to ${addresses(mail.to).join(', ')} with Message-Id ${messageId}: found duplicated Message-Id during processing`,
    );
    return;
  }
  const from = formatted(mail.from);
  const subject = mail.subject ?? '';

  const parents = [...idList(mail.inReplyTo), ...idList(mail.references)].map(bracket);
  const parent = erp.messages.find((m) => parents.includes(m.message_id) && m.model && m.res_id);
  if (parent) {
    addMessage(erp, messageId, parent.model, parent.res_id, mail);
    return;
  }

  const recipients = [
    ...headerAddresses(mail, 'delivered-to'),
    ...addresses(mail.to),
    ...addresses(mail.cc),
    ...headerAddresses(mail, 'resent-to'),
    ...headerAddresses(mail, 'resent-cc'),
  ];
  const team = recipients.map((r) => teamForAddress(erp, r)).find((t) => t !== undefined);
  if (team) {
    if (!senderAllowed(erp, team, mail)) {
      await bounce(
        lab,
        mail,
        `The message below could not be accepted by the address ${team.alias_name}@${aliasDomainOf(erp, team)}. Only allowed people can contact us at this address.`,
      );
      return;
    }
    const leadId = erp.nextId++;
    erp.leads.push({
      id: leadId,
      name: subject || 'No Subject',
      email_from: from || null,
      team_id: team.id,
      type: /'type':\s*'opportunity'/.test(team.alias_defaults) ? 'opportunity' : 'lead',
      create_date: odooDate(Date.now()),
      description: mail.text ?? null,
      active: true,
      tag_ids: [],
    });
    addMessage(erp, messageId, 'crm.lead', leadId, mail);
    team.alias_status = 'valid';
    return;
  }

  const catchall = catchallAddress(erp);
  if (erp.version >= 16 && catchall && recipients.length > 0 && recipients.every((r) => r === catchall)) {
    await bounce(
      lab,
      mail,
      `The email sent to ${catchall} cannot be processed. This address is used to collect replies and should not be directly contacted.`,
    );
    return;
  }

  const routeError =
    `No possible route found for incoming message from ${from} to ${addresses(mail.to).join(', ')} (Message-Id ${messageId}:). ` +
    'Create an appropriate mail.alias or force the destination model.';
  logLine(erp, routeError);
  if (isInstalled(erp, NOTIFY_MODULE) && server.error_notice_template_id) {
    await sendErrorNotice(lab, server.error_notice_template_id, mail, routeError);
  }
}

function addMessage(erp: ErpState, messageId: string, model: string | null, resId: number | null, mail: ParsedMail): void {
  erp.messages.push({
    id: erp.nextId++,
    message_id: messageId,
    model,
    res_id: resId,
    subject: mail.subject ?? null,
    email_from: formatted(mail.from) || null,
    date: odooDate((mail.date ?? new Date()).getTime()),
    body: mail.html || mail.textAsHtml || '',
    message_type: 'email',
  });
}

function teamForAddress(erp: ErpState, address: string): TeamRecord | undefined {
  const [local, domain] = address.toLowerCase().split('@');
  if (!local || !domain) return undefined;
  return erp.teams.find((t) => t.active && t.alias_name?.toLowerCase() === local && aliasDomainOf(erp, t).toLowerCase() === domain);
}

/** ≤16: the one catch-all domain parameter; 17+: the alias's own `mail.alias.domain`. */
function aliasDomainOf(erp: ErpState, team: TeamRecord): string {
  if (erp.version >= 17) return erp.aliasDomains.find((d) => d.id === team.alias_domain_id)?.name ?? '';
  return param(erp, 'mail.catchall.domain') ?? '';
}

function catchallAddress(erp: ErpState): string | undefined {
  if (erp.version >= 17) {
    const company = erp.companies[0];
    const domain = erp.aliasDomains.find((d) => d.id === company?.alias_domain_id);
    return domain ? `${domain.catchall_alias}@${domain.name}`.toLowerCase() : undefined;
  }
  const alias = param(erp, 'mail.catchall.alias');
  const domain = param(erp, 'mail.catchall.domain');
  return alias && domain ? `${alias}@${domain}`.toLowerCase() : undefined;
}

/** `alias_contact`: everyone; partners = a known contact; followers = a follower of the team (none in the lab). */
function senderAllowed(erp: ErpState, team: TeamRecord, mail: ParsedMail): boolean {
  if (team.alias_contact === 'everyone') return true;
  if (team.alias_contact === 'followers') return false;
  const sender = addresses(mail.from)[0];
  const known = [...erp.users.map((u) => u.email), ...erp.companies.map((c) => c.email)].filter(Boolean).map((e) => e?.toLowerCase());
  return sender !== undefined && known.includes(sender);
}

async function sendErrorNotice(lab: LabState, templateId: number, mail: ParsedMail, routeError: string): Promise<void> {
  const erp = lab.erp;
  if (!erp.templates.some((t) => t.id === templateId)) return;
  const originalTo = formatted(mail.to);
  const originalFrom = formatted(mail.from);
  const subject = `Receiving error with: ${mail.subject ?? ''}`;
  const body =
    `<p>Hello ${escapeHtml(originalFrom)},</p><p>we got a problem with your email: <i>${escapeHtml(mail.subject ?? '')}</i></p>` +
    `<p>Maybe you used a wrong recipient address?</p><p><br/></p><p>Technical details:</p><p><i>${escapeHtml(routeError)}</i></p>`;
  await sendMail(lab, { from: originalTo, to: originalFrom, subject, html: body, inReplyTo: mail.messageId });
}

async function bounce(lab: LabState, mail: ParsedMail, text: string): Promise<void> {
  const erp = lab.erp;
  const domain = erp.version >= 17 ? erp.aliasDomains[0]?.name : param(erp, 'mail.catchall.domain');
  const bounceAlias = erp.version >= 17 ? erp.aliasDomains[0]?.bounce_alias : param(erp, 'mail.bounce.alias');
  await sendMail(lab, {
    from: `MAILER-DAEMON <${bounceAlias ?? 'bounce'}@${domain ?? 'localhost'}>`,
    to: formatted(mail.from),
    subject: `Re: ${mail.subject ?? ''}`,
    html: `<p>${escapeHtml(text)}</p>`,
    inReplyTo: mail.messageId,
  });
}

interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  inReplyTo?: string;
}

/** Queues a `mail.mail`, sends it through the matching outgoing server; auto-deleted once sent. */
async function sendMail(lab: LabState, message: OutgoingMail): Promise<void> {
  const erp = lab.erp;
  const fromAddress = firstAddress(message.from);
  const server = findMailServer(erp, fromAddress);
  const from = server && !fromAllowed(server, fromAddress) ? defaultFrom(erp, server, message.from) : message.from;
  const record = {
    id: erp.nextId++,
    subject: message.subject,
    email_from: from,
    email_to: message.to,
    state: 'outgoing' as 'outgoing' | 'sent' | 'exception',
    failure_reason: null as string | null,
    mail_server_id: server?.id ?? null,
    auto_delete: true,
  };
  erp.mails.push(record);
  if (!server) {
    record.state = 'exception';
    record.failure_reason = 'Missing SMTP Server\nPlease define at least one SMTP server, or provide the SMTP parameters explicitly.';
    return;
  }
  const raw = await new MailComposer({
    from,
    to: message.to,
    subject: message.subject,
    html: message.html,
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo, references: message.inReplyTo } : {}),
    headers: { 'X-Odoo-Mail-Id': String(record.id) },
  })
    .compile()
    .build();
  try {
    // Real Odoo's MAIL FROM is its bounce address, not the From header.
    const envelope = { from: envelopeSenderOf(erp, firstAddress(from)), to: [firstAddress(message.to)] };
    await lab.mailOps.send(smtpServerOf(server), envelope, raw);
    erp.mails.splice(erp.mails.indexOf(record), 1);
  } catch (error) {
    record.state = 'exception';
    record.failure_reason = (error as Error).message;
  }
}

/** `_find_mail_server`: a filter matching the address, then the domain, then a server without a filter; by sequence. */
export function findMailServer(erp: ErpState, address: string): MailServerRecord | undefined {
  const active = erp.mailServers.filter((s) => s.active).sort((a, b) => a.sequence - b.sequence || a.id - b.id);
  if (erp.version < 15) return active[0];
  const domain = address.split('@')[1]?.toLowerCase() ?? '';
  const filters = (s: MailServerRecord) =>
    (s.from_filter ?? '')
      .toLowerCase()
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  return (
    active.find((s) => filters(s).includes(address.toLowerCase())) ??
    active.find((s) => filters(s).includes(domain)) ??
    active.find((s) => filters(s).length === 0) ??
    active[0]
  );
}

function fromAllowed(server: MailServerRecord, address: string): boolean {
  const filters = (server.from_filter ?? '')
    .toLowerCase()
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (filters.length === 0) return true;
  const lower = address.toLowerCase();
  return filters.includes(lower) || filters.includes(lower.split('@')[1] ?? '');
}

/** The From is rewritten to the default sender, keeping the original name. */
function defaultFrom(erp: ErpState, server: MailServerRecord, original: string): string {
  const name = original
    .replace(/<[^>]*>/, '')
    .replace(/"/g, '')
    .trim();
  const local = param(erp, 'mail.default.from') ?? 'notifications';
  const domain = (server.from_filter ?? '').split(',')[0]?.trim() ?? '';
  const address = local.includes('@') ? local : `${local}@${domain}`;
  return name ? `"${name}" <${address}>` : address;
}

function firstAddress(text: string): string {
  return (/<([^>]+)>/.exec(text)?.[1] ?? text.split(',')[0] ?? '').trim().toLowerCase();
}

/** The header as Odoo keeps it: `Name <address>`, comma-separated. */
function formatted(value: AddressObject | AddressObject[] | undefined): string {
  return toList(value)
    .flatMap((a) => a.value)
    .map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '')))
    .join(', ');
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  return toList(value)
    .flatMap((a) => a.value)
    .map((a) => a.address?.toLowerCase())
    .filter((a): a is string => Boolean(a));
}

function headerAddresses(mail: ParsedMail, header: string): string[] {
  const value = mail.headers.get(header);
  if (!value) return [];
  if (typeof value === 'string') return value.split(',').map((a) => firstAddress(a));
  return addresses(value as AddressObject);
}

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** In-Reply-To / References: one header of space-separated ids, or several. */
function idList(value: string | string[] | undefined): string[] {
  return toList(value).flatMap((v) => v.split(/\s+/).filter(Boolean));
}

function bracket(id: string): string {
  return `<${id.trim().replace(/^<|>$/g, '')}>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
