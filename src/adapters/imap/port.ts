/**
 * The IMAP port: the bot's own view of the catch-all mailbox (and of the probe mailbox test-email
 * reads). Every method opens one connection, logs in, does its work and logs out; nothing stays
 * open. Failures are coded `MailsetupError`s: `AuthFailed` (with the OAuth explanation on Exchange
 * Online), `AdapterUnavailable`, `AdapterTimeout`, `ConnectionLost`.
 */

/** Which mailbox: the tenant's catch-all (`tenants[].catchallMailbox`), or the test-email probe (`tenants[].probe.imap`). */
export type MailboxRef = 'catchall' | 'probe';

export interface ImapLoginInfo {
  host: string;
  port: number;
  user: string;
  /** `xoauth2`: app-only OAuth token; `password`: a password login. */
  method: 'xoauth2' | 'password';
  /** What the server advertised after login. */
  capabilities: string[];
}

export interface UnseenMessage {
  uid: number;
  /** INTERNALDATE (when the mailbox received it), ISO. */
  receivedAt: string;
  subject: string | null;
  from: string | null;
}

export interface InboxBacklog {
  mailbox: string;
  /** Messages in INBOX. */
  total: number;
  /** Messages without `\Seen` — what the ERP's fetch (`SEARCH UNSEEN`) has not taken yet. */
  unseen: number;
  /** The unseen message received first, if any. */
  oldestUnseen: UnseenMessage | null;
}

export interface CatchallInbox {
  login: ImapLoginInfo;
  backlog: InboxBacklog;
}

export interface FoundMessage {
  uid: number;
  mailbox: string;
  receivedAt: string;
  subject: string | null;
  from: string | null;
  messageId: string | null;
  seen: boolean;
  /** `Received:` header values, newest (top) first, unfolded. */
  received: string[];
}

export interface ImapPort {
  /** Logs in and out again (the login probe). */
  checkLogin(mailbox: MailboxRef, signal?: AbortSignal): Promise<ImapLoginInfo>;
  /** Logs into the catch-all mailbox and reads its inbox read-only: unseen count and the oldest unseen message. */
  inspectCatchall(signal?: AbortSignal): Promise<CatchallInbox>;
  /** The newest message whose `X-Mailsetup-Test` header or subject contains `token`. */
  findMessage(mailbox: MailboxRef, token: string, signal?: AbortSignal): Promise<FoundMessage | undefined>;
  /** The raw source (RFC 5322 bytes) of one message by uid, e.g. a bounce to read its DSN; undefined when gone. */
  messageSource(mailbox: MailboxRef, uid: number, signal?: AbortSignal): Promise<Buffer | undefined>;
  /** Deletes every message carrying `token` (test-email cleanup); returns how many. */
  deleteMessages(mailbox: MailboxRef, token: string, signal?: AbortSignal): Promise<number>;
}
