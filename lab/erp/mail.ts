import type { LabState } from '../state.js';
import { type ErpImapServer, type ErpSmtpServer, mailOpsStage } from './mail-ops.js';
import { userError, validationError } from './odoo-error.js';
import { type ErpState, type ErpUser, type FetchmailServerRecord, type MailServerRecord, odooDate } from './state.js';

/**
 * The ERP's own mail buttons: "Test Connection" on an outgoing server and "Test & Confirm" on an
 * incoming one, with Odoo's texts for each version. Transport goes through `state.mailOps`.
 */

export function smtpServerOf(s: MailServerRecord): ErpSmtpServer {
  return {
    host: s.smtp_host ?? '',
    port: s.smtp_port,
    encryption: s.smtp_encryption,
    ...(s.smtp_user ? { user: s.smtp_user } : {}),
    ...(s.smtp_pass ? { password: s.smtp_pass } : {}),
  };
}

export function imapServerOf(erp: ErpState, s: FetchmailServerRecord): ErpImapServer {
  const oauth = s.server_type === 'outlook' || (erp.version <= 15 && s.use_microsoft_outlook_service);
  return {
    host: s.server ?? '',
    port: s.port ?? (s.is_ssl ? 993 : 143),
    ssl: s.is_ssl,
    user: s.user ?? '',
    ...(s.password && !oauth ? { password: s.password } : {}),
    oauth,
  };
}

export function param(erp: ErpState, key: string): string | null {
  return erp.params.find((p) => p.key === key)?.value ?? null;
}

/**
 * The SMTP envelope sender (MAIL FROM) of the ERP's real mail, as Odoo's `_get_default_bounce_address`
 * builds it: up to 16 `mail.bounce.alias` (default postmaster-odoo) @ `mail.catchall.domain`; from
 * 17 the company's alias domain's `bounce_email`; without them, the mail's own From address.
 */
export function envelopeSenderOf(erp: ErpState, fromAddress: string): string {
  if (erp.version >= 17) {
    const company = erp.companies[0];
    const domain = erp.aliasDomains.find((d) => d.id === company?.alias_domain_id);
    return domain?.bounce_alias ? `${domain.bounce_alias}@${domain.name}` : fromAddress;
  }
  const domain = param(erp, 'mail.catchall.domain');
  return domain ? `${param(erp, 'mail.bounce.alias') || 'postmaster-odoo'}@${domain}` : fromAddress;
}

const TEST_RECIPIENT = 'noreply@odoo.com';

/** MAIL FROM of "Test Connection": the user's email on 12–14; derived from `from_filter` on 15+. */
function testSender(erp: ErpState, server: MailServerRecord, user: ErpUser): string {
  const filters = (server.from_filter ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (erp.version >= 15 && filters.length > 0) {
    const email = filters.find((f) => f.includes('@'));
    if (email) return email;
    if (erp.version >= 19) return `noreply@${filters[0]}`;
    const defaultFrom = param(erp, 'mail.default.from') ?? 'notifications';
    return defaultFrom.includes('@') ? defaultFrom : `${defaultFrom}@${filters[0]}`;
  }
  if (!user.email)
    throw userError('Please configure an email on the current user to simulate sending an email message via this outgoing server');
  return user.email;
}

export async function testSmtpConnection(lab: LabState, servers: MailServerRecord[], user: ErpUser): Promise<unknown> {
  const erp = lab.erp;
  for (const server of servers) {
    const from = testSender(erp, server, user);
    try {
      await lab.mailOps.testSmtp(smtpServerOf(server), from);
    } catch (error) {
      throw smtpTestError(error, from);
    }
  }
  // 12–13 report success as a UserError; 14+ return a notification.
  if (erp.version <= 13) throw userError('Connection Test Succeeded! Everything seems properly set up!');
  return {
    type: 'ir.actions.client',
    tag: 'display_notification',
    params: { title: false, message: 'Connection Test Successful!', type: 'success', sticky: false },
  };
}

function smtpTestError(error: unknown, from: string) {
  const reply = error instanceof Error ? error.message : String(error);
  switch (mailOpsStage(error)) {
    case 'connect':
      return userError(`No response received. Check server address and port number.\n ${reply}`);
    case 'tls':
      return userError(`An SSL exception occurred. Check connection security type.\n ${reply}`);
    case 'auth':
    case 'reply':
      return userError(`Server replied with following exception:\n ${reply}`);
    case 'mail':
      return userError(`The server refused the sender address (${from}) with error ${reply}`);
    case 'rcpt':
      return userError(`The server refused the test recipient (${TEST_RECIPIENT}) with error ${reply}`);
    case 'data':
      return userError(`The server refused the test connection with error ${reply}`);
    case 'closed':
      return userError(`The server has closed the connection unexpectedly. Check configuration served on this port number.\n ${reply}`);
    default:
      return userError(`Connection Test Failed! Here is what we got instead:\n ${reply}`);
  }
}

/** "Test & Confirm": logs in; writes `state done` on success. */
export async function buttonConfirmLogin(lab: LabState, servers: FetchmailServerRecord[]): Promise<true> {
  for (const server of servers) {
    try {
      await lab.mailOps.testImap(imapServerOf(lab.erp, server));
    } catch (error) {
      const reply = error instanceof Error ? error.message : String(error);
      const stage = mailOpsStage(error);
      if (stage === 'connect') throw userError(`No response received. Check server information.\n ${reply}`);
      if (stage === 'tls') throw userError(`An SSL exception occurred. Check SSL/TLS configuration on server port.\n ${reply}`);
      throw userError(`Server replied with following exception:\n ${reply}`);
    }
    server.state = 'done';
  }
  return true;
}

/** The 17–18 manual-fetch error. */
export function fetchFailed(reply: string) {
  return validationError(`Couldn't get your emails. Check out the error message below for more info:\n${reply}`);
}

export function logLine(erp: ErpState, line: string): void {
  erp.serverLog.push(`${odooDate(Date.now())} INFO ${erp.database} odoo.addons.mail.models.fetchmail: ${line}`);
}
