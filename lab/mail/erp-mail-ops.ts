import { Readable } from 'node:stream';
import { type ConnectionOptions, createSecureContext, type SecureContext } from 'node:tls';
import { ImapFlow } from 'imapflow';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { ErpImapServer, ErpMailOps, ErpSmtpServer } from '../erp/mail-ops.js';
import type { LabState } from '../state.js';
import { grantImapToken } from './imap-auth.js';

/**
 * Why a mail operation of the ERP failed, so the lab ERP can word it as Odoo does:
 * `refused` — the server answered no (`message` is its reply: `550 5.7.64 …`, `AUTHENTICATE failed.`);
 * `no-response` — unknown host, refused connection or timeout; `tls` — the TLS handshake failed;
 * `closed` — the server hung up mid-conversation.
 */
export class MailTransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'no-response' | 'tls' | 'closed',
    /** SMTP: `MAIL FROM`, `RCPT TO`, `DATA`, `AUTH`; IMAP: `AUTHENTICATE`/`LOGIN`. */
    readonly stage?: string,
  ) {
    super(message);
    this.name = 'MailTransportError';
  }
}

/** Where the ERP's own name resolution sends it: `host:port` first, else a known host with nothing on that port. */
export function resolveLabHost(state: LabState, host: string, port: number): { host: string; port: number } {
  const exact = state.hosts[`${host.toLowerCase()}:${port}`];
  if (exact) return exact;
  if (state.hosts[host.toLowerCase()]) throw new MailTransportError(`[Errno 111] Connection refused (${host}:${port})`, 'no-response');
  throw new MailTransportError(`[Errno -2] Name or service not known (${host})`, 'no-response');
}

export interface MailOpsTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

/** One secure context per CA for every connection (`{ ca }` would parse the CA again on each). */
const contexts = new Map<string, SecureContext>();
function trusting(ca: string): SecureContext {
  let context = contexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca });
    contexts.set(ca, context);
  }
  return context;
}

const TIMEOUTS: MailOpsTimeouts = { connectionTimeout: 4000, greetingTimeout: 4000, socketTimeout: 8000 };

/** Real SMTP and IMAP from the ERP's loopback address (`state.tenant.erpLoopback`), trusting the lab CA. */
export function createErpMailOps(state: LabState, caPem: string, timeouts: MailOpsTimeouts = TIMEOUTS): ErpMailOps {
  const localAddress = state.tenant.erpLoopback;

  const smtp = (server: ErpSmtpServer) => {
    const target = resolveLabHost(state, server.host, server.port);
    const connection = new SMTPConnection({
      host: target.host,
      port: target.port,
      localAddress,
      name: `erp.${state.tenant.domain}`,
      secure: server.encryption.startsWith('ssl'),
      requireTLS: server.encryption.startsWith('starttls'),
      ignoreTLS: server.encryption === 'none',
      tls: { secureContext: trusting(caPem) },
      logger: false,
      socketCloseTimeout: 0,
      ...timeouts,
    });
    connection.on('error', () => {});
    return connection;
  };

  /** Connects (EHLO, STARTTLS, EHLO again) and logs in when the server record has a user, as Odoo does. */
  const open = (server: ErpSmtpServer) =>
    new Promise<SMTPConnection>((resolve, reject) => {
      let connection: SMTPConnection;
      try {
        connection = smtp(server);
      } catch (error) {
        return reject(error);
      }
      connection.connect((err) => {
        if (err) {
          connection.close();
          return reject(smtpFailure(err));
        }
        if (!server.user) return resolve(connection);
        connection.login({ user: server.user, pass: server.password ?? '' }, (loginErr) => {
          if (loginErr) {
            connection.close();
            return reject(smtpFailure(loginErr));
          }
          resolve(connection);
        });
      });
    });

  const imap = (server: ErpImapServer) => {
    const target = resolveLabHost(state, server.host, server.port);
    const auth = server.oauth
      ? { user: server.user, accessToken: grantImapToken(state, server.user).token }
      : { user: server.user, pass: server.password ?? '' };
    return new ImapFlow({
      host: target.host,
      port: target.port,
      secure: server.ssl,
      auth,
      logger: false,
      disableAutoIdle: true,
      // tls.connect hands localAddress to the socket's connect (imapflow has no option of its own for it).
      tls: { secureContext: trusting(caPem), localAddress } as ConnectionOptions,
      ...timeouts,
    });
  };

  const withImap = async <T>(server: ErpImapServer, use: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = imap(server);
    client.on('error', () => {});
    try {
      await client.connect();
      return await use(client);
    } catch (error) {
      throw imapFailure(error);
    } finally {
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  };

  return {
    async testSmtp(server, mailFrom) {
      const connection = await open(server);
      // MAIL FROM, RCPT TO, DATA; the message stream is read only once the server said 354, and
      // Odoo closes the connection at that point without sending anything.
      await new Promise<void>((resolve, reject) => {
        let reached354 = false;
        const body = new Readable({
          read() {
            reached354 = true;
            resolve();
            connection.close();
          },
        });
        connection.send({ from: mailFrom, to: ['noreply@odoo.com'] }, body, (err) => {
          if (err && !reached354) reject(smtpFailure(err));
        });
      });
    },

    async send(server, envelope, raw) {
      const connection = await open(server);
      try {
        await new Promise<void>((resolve, reject) => {
          connection.send(envelope, raw, (err) => (err ? reject(smtpFailure(err)) : resolve()));
        });
      } finally {
        connection.quit();
      }
    },

    async testImap(server) {
      await withImap(server, async () => undefined);
    },

    async fetchUnseen(server) {
      return withImap(server, async (client) => {
        const lock = await client.getMailboxLock('INBOX');
        try {
          const uids = (await client.search({ seen: false }, { uid: true })) || [];
          if (uids.length === 0) return [];
          const sources: Buffer[] = [];
          for await (const message of client.fetch(uids, { uid: true, source: true }, { uid: true })) {
            if (message.source) sources.push(message.source);
          }
          await client.messageFlagsAdd(uids, ['\\Seen'], { uid: true });
          return sources;
        } finally {
          lock.release();
        }
      });
    },
  };
}

interface NodemailerError extends Error {
  code?: string;
  response?: string;
  command?: string;
}

function smtpFailure(error: unknown): MailTransportError {
  if (error instanceof MailTransportError) return error;
  const err = error as NodemailerError;
  const stage = err.command?.replace(/^CONN$/, 'CONNECT');
  if (err.response && /^\d{3}[ -]/.test(err.response)) return new MailTransportError(err.response, 'refused', stage);
  if (err.code === 'ETLS') return new MailTransportError(err.message, 'tls', stage);
  if (err.code === 'ETIMEDOUT' || err.code === 'ECONNREFUSED' || /ECONNREFUSED|timeout/i.test(err.message)) {
    return new MailTransportError(err.message, 'no-response', stage);
  }
  if (/closed|ECONNRESET/i.test(err.message)) return new MailTransportError('Connection unexpectedly closed', 'closed', stage);
  return new MailTransportError(err.message, 'refused', stage);
}

interface ImapFlowError extends Error {
  code?: string;
  response?: string;
  authenticationFailed?: boolean;
}

function imapFailure(error: unknown): MailTransportError {
  if (error instanceof MailTransportError) return error;
  const err = error as ImapFlowError;
  // imapflow keeps the whole tagged line (`3 NO AUTHENTICATE failed.`); Odoo shows the text after NO.
  const text = err.response ? err.response.replace(/^\S+ (NO|BAD) /, '') : undefined;
  if (err.authenticationFailed) return new MailTransportError(text || 'AUTHENTICATE failed.', 'refused', 'AUTHENTICATE');
  if (err.code === 'ETIMEDOUT' || err.code === 'ECONNREFUSED' || err.code === 'GREETING_TIMEOUT' || err.code === 'CONNECT_TIMEOUT') {
    return new MailTransportError(err.message, 'no-response');
  }
  if (/Closed|NoConnection|ECONNRESET/i.test(err.code ?? '')) return new MailTransportError('socket error: EOF', 'closed');
  if (/certificate|SSL|TLS/i.test(err.message)) return new MailTransportError(err.message, 'tls');
  return new MailTransportError(text || err.message, 'refused');
}
