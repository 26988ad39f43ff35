import type { SmtpReply } from './port.js';

/** Thrown by the reader when the conversation cannot go on; `code` is a socket-style code. */
export class WireError extends Error {
  constructor(
    readonly code: 'ETIMEDOUT' | 'ECLOSED' | 'EPROTOCOL' | string,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** Parses SMTP replies (RFC 5321 §4.2: `ddd-text` continues, `ddd text` ends) from a byte stream. */
export class ReplyReader {
  #buffer = '';
  #pending: string[] = [];
  #replies: SmtpReply[] = [];
  #waiter?: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void };
  #broken?: Error;

  /** Feeds received bytes. */
  push(chunk: Buffer | string): void {
    this.#buffer += chunk.toString('latin1');
    let end = this.#buffer.indexOf('\n');
    while (end >= 0) {
      const line = this.#buffer.slice(0, end).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(end + 1);
      this.#line(line);
      end = this.#buffer.indexOf('\n');
    }
  }

  /** The connection ended or failed: the current and every later wait rejects with this. */
  fail(error: Error): void {
    if (this.#broken) return;
    this.#broken = error;
    this.#waiter?.reject(error);
    this.#waiter = undefined;
  }

  /** The next complete reply, within `timeoutMs`. */
  next(timeoutMs: number, what: string): Promise<SmtpReply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new WireError('ETIMEDOUT', `no reply to ${what} within ${formatSeconds(timeoutMs)}`));
      }, timeoutMs);
      this.#waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  #line(line: string): void {
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) {
      this.fail(new WireError('EPROTOCOL', `the server answered something that is not SMTP: "${line.slice(0, 80)}"`));
      return;
    }
    this.#pending.push(line);
    if (m[2] === '-') return;
    const text = this.#pending.join('\n');
    this.#pending = [];
    const reply: SmtpReply = { code: Number(m[1]), text };
    const enhanced = enhancedCode(line);
    if (enhanced) reply.enhanced = enhanced;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve(reply);
    } else this.#replies.push(reply);
  }
}

/** The RFC 3463 enhanced status code of a reply line (`550 5.7.64 …` → `5.7.64`), if it has one. */
export function enhancedCode(line: string): string | undefined {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\s/.exec(line)?.[1];
}

export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** RFC 5321 §4.5.2: CRLF line ends, leading dots doubled, ended by `.` alone on a line. */
export function dotStuff(message: string | Buffer): Buffer {
  const text = Buffer.isBuffer(message) ? message.toString('latin1') : Buffer.from(message, 'utf8').toString('latin1');
  const lines = text.replace(/\r?\n/g, '\n').replace(/\n$/, '').split('\n');
  return Buffer.from(`${lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}\r\n.\r\n`, 'latin1');
}
