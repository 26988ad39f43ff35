import type { LabTenant } from '../tenant.js';

/**
 * One stored message. The shape is also what hoodiecrow-imap keeps per message (`uid`, `flags`,
 * `internaldate`, `raw`), so the lab IMAP server serves these very objects.
 */
export interface LabMessage {
  uid: number;
  /** IMAP flags, e.g. `\Seen`. */
  flags: string[];
  /** IMAP INTERNALDATE, `24-Nov-2026 01:35:15 +0000`. */
  internaldate: string;
  /** When it arrived, ms since the epoch (same instant as `internaldate`). */
  receivedAt: number;
  /** RFC 822 source as a binary string (one char per byte), with the MX's `Received:` header on top. */
  raw: string;
  /** SMTP envelope it came with (absent for messages a scenario put there). */
  envelope?: { from: string; to: string[] };
}

/** Where a mailbox lives: the tenant's Exchange Online, or the outside world (the probe's provider). */
export type MailboxHost = 'exchange' | 'outside';

export interface LabMailbox {
  address: string;
  host: MailboxHost;
  /** IMAP password, outside host only (Exchange Online refuses passwords since Basic auth was turned off). */
  password?: string;
  messages: LabMessage[];
  uidnext: number;
  uidvalidity: number;
}

/** A non-delivery report the MX produced (also put in the sender's mailbox when the lab has it). */
export interface LabNdr {
  at: number;
  sender: string;
  recipient: string;
  /** Enhanced status code, e.g. `5.4.14`. */
  code: string;
  text: string;
}

/**
 * A delegated OAuth grant for IMAP (`server_type outlook`). In reality the ERP gets it through a
 * browser consent ("Connect your Outlook account"); the lab mints it directly.
 */
export interface LabImapGrant {
  token: string;
  user: string;
  expiresAt: number;
}

/**
 * App-only IMAP for the bot's app registration (Exchange's side of it; the Microsoft lab issues the
 * tokens): the `IMAP.AccessAsApp` application permission, `New-ServicePrincipal`, and
 * `Add-MailboxPermission -AccessRights FullAccess` per mailbox.
 */
export interface LabImapAppAccess {
  accessAsApp: boolean;
  servicePrincipal: boolean;
  /** Mailboxes the app's service principal has FullAccess to (lower-case addresses). */
  fullAccess: string[];
}

export interface MailState {
  /** By lower-case address. */
  mailboxes: Record<string, LabMailbox>;
  ndrs: LabNdr[];
  imapGrants: LabImapGrant[];
  imapApp: LabImapAppAccess;
  /** The probe mailbox the bot reads for test-email (outside host, password login). */
  probe: { address: string; password: string };
  /**
   * How long both IMAP hosts wait before refusing a login. Real servers delay a refusal on purpose
   * (Dovecot's auth_failure_delay is 2 s, more for repeated failures; Exchange Online takes seconds
   * too), and a client that reads the wait as "unreachable" is wrong; 2 s is the real floor. Tests
   * that are not about it may set 0.
   */
  failedLoginDelayMs: number;
}

export const FAILED_LOGIN_DELAY_MS = 2000;

export function healthyMailState(t: LabTenant): MailState {
  const password = t.secrets.probePassword;
  const catchall: LabMailbox = { address: t.catchallMailbox, host: 'exchange', messages: [], uidnext: 1, uidvalidity: 1 };
  const probe: LabMailbox = { address: t.outsideSender, host: 'outside', password, messages: [], uidnext: 1, uidvalidity: 1 };
  return {
    mailboxes: { [catchall.address.toLowerCase()]: catchall, [probe.address.toLowerCase()]: probe },
    ndrs: [],
    imapGrants: [],
    imapApp: { accessAsApp: true, servicePrincipal: true, fullAccess: [t.catchallMailbox.toLowerCase()] },
    probe: { address: t.outsideSender, password },
    failedLoginDelayMs: FAILED_LOGIN_DELAY_MS,
  };
}
