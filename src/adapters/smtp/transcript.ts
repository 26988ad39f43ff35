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

/** The stage an SMTP command belongs to (`MAIL FROM:<…>` → `mail`); undefined for others (AUTH, RSET, …). */
export function commandStage(command: string): SmtpStageName | undefined {
  return COMMAND_STAGE.find(([re]) => re.test(command))?.[1];
}

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

  /**
   * The stage the conversation was in: the first command still waiting for its reply (commands may
   * be pipelined), else the last one; after a 354 to DATA, the message. The greeting answers no command.
   */
  stage(): SmtpStageName {
    const commands = this.lines.filter((l) => l.from === 'client');
    const replies = this.lines.filter((l) => l.from === 'server');
    if (commands.length === 0 || replies.length === 0) return 'connect';
    const waiting = commands[replies.length - 1];
    const stageOf = (text: string) => commandStage(text) ?? 'connect';
    if (waiting) return stageOf(waiting.text);
    const last = stageOf(commands.at(-1)!.text);
    return last === 'data' && replies.at(-1)!.text.startsWith('354') ? 'message' : last;
  }
}
