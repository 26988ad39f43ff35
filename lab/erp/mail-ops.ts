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
