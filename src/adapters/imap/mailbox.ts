import { createSecureContext, type SecureContext } from 'node:tls';
import type { SearchObject } from 'imapflow';
import type { Secret } from '../../config/secret.js';
import { type ImapStage, toImapError } from './errors.js';
import type { FoundMessage, ImapLoginInfo, InboxBacklog, UnseenMessage } from './port.js';

/** How to log into one mailbox. Usable for any mailbox (the catch-all, the test-email probe). */
export interface MailboxLogin {
  host: string;
  port: number;
  /** TLS from the start (993). */
  secure: boolean;
  user: string;
  /** Exactly one of these two. */
  password?: Secret;
  accessToken?: string;
  /** Exchange Online (OAuth only): a refused login gets the OAuth explanation. */
  exchange?: boolean;
  /** The app registration, named in that explanation. */
  clientId?: string;
  /** The config key of the host (`services.imap.host`), named when the certificate is for another host. */
  hostSetting?: string;
}

export interface MailboxOptions {
  /** Extra trusted CA (PEM), from services.caFile. */
  ca?: string;
  /** Each of connect, greeting and every command after the login. */
  timeoutMs: number;
  /**
   * How long the authentication answer may take. Real servers delay a refused login on purpose
   * (Dovecot 2 s, doubling per failure from the same address up to 15 s; Exchange Online several
   * seconds), so this is much longer than `timeoutMs`: a refusal must read as a refusal.
   */
  loginTimeoutMs: number;
  signal?: AbortSignal;
}

/** Dovecot's longest failed-login penalty (15 s) plus its 2 s delay, with margin. */
export const IMAP_LOGIN_TIMEOUT_MS = 30_000;

/** An open, logged-in mailbox. Every method works on INBOX. */
export interface MailboxSession {
  login: ImapLoginInfo;
  /** Read-only (EXAMINE): nothing gets flagged. */
  backlog(): Promise<InboxBacklog>;
  find(token: string): Promise<FoundMessage | undefined>;
  source(uid: number): Promise<Buffer | undefined>;
  deleteByToken(token: string): Promise<number>;
  /** Logs out (or drops the connection if that fails). Safe to call twice. */
  close(): Promise<void>;
}

/** The header test-email puts its token in. */
export const TEST_HEADER = 'X-Mailsetup-Test';

/** Opens a session, runs `use`, and always logs out — nothing left open, whatever happens. */
export async function withMailbox<T>(
  login: MailboxLogin,
  options: MailboxOptions,
  use: (session: MailboxSession) => Promise<T>,
): Promise<T> {
  const session = await openMailbox(login, options);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/** Connects and logs in. The caller must `close()` the session (prefer `withMailbox`). */
export async function openMailbox(login: MailboxLogin, options: MailboxOptions): Promise<MailboxSession> {
  const method = login.accessToken !== undefined ? 'xoauth2' : 'password';
  let garbled: unknown;
  let stage: ImapStage = 'connect';
  // Exchange (Online or on-premises) names itself in its greeting; the lab's loopback host has no telling name.
  const isExchange = () => login.exchange === true || /Microsoft Exchange/i.test(client.greeting ?? '');
  const fail = (error: unknown) =>
    toImapError(garbled ?? error, {
      host: login.host,
      port: login.port,
      user: login.user,
      stage,
      exchange: isExchange(),
      method,
      clientId: login.clientId,
      hostSetting: login.hostSetting,
    });
  // Loaded on first use: the CLI's start-up does not pay for the IMAP client.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: login.host,
    port: login.port,
    secure: login.secure,
    auth:
      login.accessToken !== undefined
        ? { user: login.user, accessToken: login.accessToken }
        : { user: login.user, pass: login.password?.reveal() ?? '' },
    logger: quietLogger((error) => {
      // imapflow only logs a response it cannot parse and then waits: stop at once and say so.
      garbled ??= error;
      client.close();
    }),
    disableAutoIdle: true,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    // Inactivity bound for the login answer; the commands after it have their own timer (`step`).
    // Later than the greeting timer, so a silent server reads as "no greeting".
    socketTimeout: Math.max(options.loginTimeoutMs, options.timeoutMs + 250),
    ...(options.ca ? { tls: { secureContext: trusting(options.ca) } } : {}),
  });
  client.on('error', () => {}); // errors reach the awaiting call; this only keeps a late socket error from crashing
  const onAbort = () => client.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener('abort', onAbort);
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  };

  /** Runs one step within `timeoutMs`; on failure the connection is dropped and the error names the step. */
  const step = async <T>(name: ImapStage, run: () => Promise<T>): Promise<T> => {
    stage = name;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('no answer in time'), { code: 'ETIMEOUT' })), options.timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      await close();
      throw fail(error);
    } finally {
      clearTimeout(timer);
    }
  };

  // connect() covers TCP, TLS, the greeting and the login; imapflow's own timers bound it (connect
  // and greeting: timeoutMs; the login answer: loginTimeoutMs). Once greeted, a failure is the login's.
  stage = 'connect';
  try {
    await client.connect();
  } catch (error) {
    if (client.greeting !== undefined) stage = 'login';
    await close();
    throw fail(error);
  }
  const info: ImapLoginInfo = {
    host: login.host,
    port: login.port,
    user: login.user,
    method,
    capabilities: [...client.capabilities.keys()],
  };

  const search = (query: SearchObject) => step('search', async () => (await client.search(query, { uid: true })) || []);
  const byToken = (token: string): SearchObject => ({ or: [{ header: { [TEST_HEADER.toLowerCase()]: token } }, { subject: token }] });

  return {
    login: info,
    close,
    backlog: async () => {
      const opened = await step('select', () => client.mailboxOpen('INBOX', { readOnly: true }));
      const unseen = await search({ seen: false });
      let oldest: UnseenMessage | null = null;
      if (unseen.length > 0) {
        oldest = await step('fetch', async () => {
          let first: { uid: number; at: number } | undefined;
          for await (const m of client.fetch(unseen, { uid: true, internalDate: true }, { uid: true })) {
            const at = m.internalDate ? new Date(m.internalDate).getTime() : Number.NaN;
            if (!first || at < first.at) first = { uid: m.uid, at };
          }
          if (!first) return null;
          const envelope = ((await client.fetchOne(String(first.uid), { uid: true, envelope: true }, { uid: true })) || undefined)
            ?.envelope;
          return {
            uid: first.uid,
            receivedAt: new Date(first.at).toISOString(),
            subject: envelope?.subject || null,
            from: envelope?.from?.[0]?.address || null,
          };
        });
      }
      return { mailbox: login.user, total: opened.exists, unseen: unseen.length, oldestUnseen: oldest };
    },
    find: async (token) => {
      await step('select', () => client.mailboxOpen('INBOX', { readOnly: true }));
      const uids = await search(byToken(token));
      if (uids.length === 0) return undefined;
      const newest = Math.max(...uids);
      return step('fetch', async () => {
        const m = await client.fetchOne(
          String(newest),
          { uid: true, internalDate: true, envelope: true, flags: true, headers: ['received'] },
          { uid: true },
        );
        if (!m) return undefined;
        return {
          uid: m.uid,
          mailbox: login.user,
          receivedAt: m.internalDate ? new Date(m.internalDate).toISOString() : new Date(0).toISOString(),
          subject: m.envelope?.subject ?? null,
          from: m.envelope?.from?.[0]?.address ?? null,
          messageId: m.envelope?.messageId ?? null,
          seen: m.flags?.has('\\Seen') ?? false,
          received: headerValues(m.headers?.toString('binary') ?? '', 'received'),
        };
      });
    },
    source: async (uid) => {
      await step('select', () => client.mailboxOpen('INBOX', { readOnly: true }));
      return step('fetch', async () => {
        const m = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        return m ? m.source : undefined;
      });
    },
    deleteByToken: async (token) => {
      await step('select', () => client.mailboxOpen('INBOX'));
      const uids = await search(byToken(token));
      if (uids.length === 0) return 0;
      await step('delete', () => client.messageDelete(uids, { uid: true }));
      return uids.length;
    },
  };
}

/** Every value of one header in a header block, unfolded, in order (top first). */
export function headerValues(block: string, name: string): string[] {
  const wanted = `${name.toLowerCase()}:`;
  return block
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(wanted))
    .map((line) => line.slice(wanted.length).trim());
}

const GARBLED = /^(Parser|InvalidResponse$|UnexpectedTag$|ResponseProcessingFailed$)/;

/** Logs nothing; hands parser errors (which imapflow only logs) to `onGarbled`. */
function quietLogger(onGarbled: (error: unknown) => void) {
  const watch = (entry: unknown) => {
    const err = (entry as { err?: { code?: unknown } } | undefined)?.err;
    if (err && typeof err.code === 'string' && GARBLED.test(err.code)) onGarbled(err);
  };
  return { debug: () => {}, info: () => {}, warn: watch, error: watch };
}

/**
 * `tls.connect({ ca })` parses the CA into a new secure context on every connection; one per CA,
 * shared by all sessions (it is immutable), trusts exactly the same certificates.
 */
const contexts = new Map<string, SecureContext>();
function trusting(ca: string): SecureContext {
  let context = contexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca });
    contexts.set(ca, context);
  }
  return context;
}
