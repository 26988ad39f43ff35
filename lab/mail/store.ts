import type { LabMailbox, LabMessage, MailboxHost, MailState } from './state.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMAP date-time (RFC 3501), in UTC: `24-Nov-2026 01:35:15 +0000`. */
export function imapDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

export function findMailbox(mail: MailState, address: string): LabMailbox | undefined {
  return mail.mailboxes[address.toLowerCase()];
}

/** The mailbox for `address`, created empty on first delivery. */
export function ensureMailbox(mail: MailState, address: string, host: MailboxHost): LabMailbox {
  const key = address.toLowerCase();
  let box = mail.mailboxes[key];
  if (!box) {
    box = { address: key, host, messages: [], uidnext: 1, uidvalidity: 1 };
    mail.mailboxes[key] = box;
  }
  return box;
}

export interface AppendOptions {
  /** Arrival time, ms (default now). */
  at?: number;
  flags?: string[];
  envelope?: { from: string; to: string[] };
}

/** Stores a message with the next UID, as an IMAP server would. */
export function appendMessage(box: LabMailbox, raw: string, options: AppendOptions = {}): LabMessage {
  const at = options.at ?? Date.now();
  const message: LabMessage = {
    uid: box.uidnext,
    flags: [...(options.flags ?? [])],
    internaldate: imapDate(at),
    receivedAt: at,
    raw,
    ...(options.envelope ? { envelope: options.envelope } : {}),
  };
  box.uidnext += 1;
  box.messages.push(message);
  return message;
}
