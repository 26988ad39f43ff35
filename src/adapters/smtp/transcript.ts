import type { SmtpStageName } from './port.js';

interface Line {
  at: number;
  from: 'client' | 'server';
  text: string;
}

const COMMAND_STAGE: [RegExp, SmtpStageName][] = [
  [/^(EHLO|HELO|LHLO)\b/i, 'ehlo'],
  [/^STARTTLS\b/i, 'starttls'],
  [/^MAIL FROM\b/i, 'mail'],
  [/^RCPT TO\b/i, 'rcpt'],
  [/^DATA\b/i, 'data'],
];

/**
 * nodemailer's transaction log (commands and replies, never the message or credentials), kept to
 * tell at which stage a conversation broke: its timeout and close errors only say `CONN`.
 */
export class Transcript {
  readonly lines: Line[] = [];

  /** A bunyan-style logger for nodemailer's `logger` option (with `transactionLog: true`). */
  readonly logger = {
    trace: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    fatal: () => {},
    debug: (entry: { tnx?: string } | undefined, message?: unknown) => {
      if ((entry?.tnx === 'client' || entry?.tnx === 'server') && typeof message === 'string') {
        this.lines.push({ at: performance.now(), from: entry.tnx, text: message });
      }
    },
  };

  /** The stage the conversation was in: the last command sent (after a 354 to DATA, the message). */
  stage(): SmtpStageName {
    const lastClient = this.lines.findLastIndex((l) => l.from === 'client');
    if (lastClient < 0) return 'connect';
    const command = this.lines[lastClient]!.text;
    const stage = COMMAND_STAGE.find(([re]) => re.test(command))?.[1] ?? 'connect';
    if (stage === 'data' && this.lines.slice(lastClient + 1).some((l) => l.from === 'server' && l.text.startsWith('354'))) return 'message';
    return stage;
  }
}
