/**
 * The seam between the lab ERP (records, routing, leads) and real mail transport. The ERP's
 * "Test Connection", "Test & Confirm", fetch and outgoing mail go through this, from the ERP's own
 * loopback address, so the lab MX and IMAP server see the ERP as the real services would.
 */
export interface ErpSmtpServer {
  host: string;
  port: number;
  encryption: string;
  user?: string;
  password?: string;
}

export interface ErpImapServer {
  host: string;
  port: number;
  ssl: boolean;
  user: string;
  password?: string;
  /** `server_type outlook`: XOAUTH2 with the ERP's own token. */
  oauth: boolean;
}

export interface ErpMailOps {
  /** MAIL FROM, RCPT TO noreply@odoo.com, DATA → expects 354, never sends. Rejects with the server's reply text. */
  testSmtp(server: ErpSmtpServer, mailFrom: string): Promise<void>;
  /** Logs in; rejects with the server's text (e.g. `AUTHENTICATE failed`). */
  testImap(server: ErpImapServer): Promise<void>;
  /** Unseen messages of the inbox as raw RFC 822, flagged \Seen (as Odoo does, even if processing fails). */
  fetchUnseen(server: ErpImapServer): Promise<Buffer[]>;
  /** Sends one message through the outgoing server. */
  send(server: ErpSmtpServer, envelope: { from: string; to: string[] }, raw: string | Buffer): Promise<void>;
}

/** Until the mail lab is running: tests succeed, no mail. */
export const noMailOps: ErpMailOps = {
  testSmtp: async () => {},
  testImap: async () => {},
  fetchUnseen: async () => [],
  send: async () => {},
};

/**
 * Where a mail operation failed, so the ERP can word it as Odoo does ("The server refused the test
 * recipient …", "No response received …"). Read from the error's shape: the mail lab's
 * `MailTransportError` (`kind` + `stage`), or nodemailer's `code`/`command`.
 */
export type MailOpsStage = 'connect' | 'tls' | 'auth' | 'mail' | 'rcpt' | 'data' | 'closed' | 'reply';

export function mailOpsStage(error: unknown): MailOpsStage | undefined {
  const e = (error ?? {}) as { kind?: unknown; stage?: unknown; code?: unknown; command?: unknown };
  const command = (typeof e.stage === 'string' ? e.stage : typeof e.command === 'string' ? e.command : '').toUpperCase();
  const code = typeof e.code === 'string' ? e.code : '';
  if (e.kind === 'no-response') return 'connect';
  if (e.kind === 'tls') return 'tls';
  if (e.kind === 'closed') return 'closed';
  if (command.startsWith('RCPT')) return 'rcpt';
  if (command.startsWith('MAIL')) return 'mail';
  if (command === 'DATA') return 'data';
  if (command.startsWith('AUTH') || command === 'LOGIN' || code === 'EAUTH') return 'auth';
  if (command === 'STARTTLS' || code === 'ETLS' || code.startsWith('ERR_TLS') || code.includes('CERT')) return 'tls';
  if (
    ['ECONNECTION', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'EDNS'].includes(code) ||
    command === 'CONN' ||
    command === 'CONNECT'
  ) {
    return 'connect';
  }
  if (code === 'ECONNRESET' || code === 'ESOCKET') return 'closed';
  if (e.kind === 'refused') return 'reply';
  return undefined;
}
