import { format } from 'node:util';
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import { redact } from '../../config/secret.js';

export interface BoltLoggerOptions {
  /**
   * Lines (from Bolt or the Slack clients) logged at debug instead of warn/error: those repeated on
   * every retry attempt, which the bot reports itself once per change.
   */
  demote?: RegExp[];
}

/** Bolt's logger interface over our pino logger; every line is scrubbed of known secrets. */
export function boltLogger(logger: Logger, options: BoltLoggerOptions = {}): BoltLogger {
  const child = logger.child({ component: 'slack' });
  const line = (parts: unknown[]) => redact(format(...parts.map((p) => (p instanceof Error ? p.message : p))));
  const demoted = (text: string) => options.demote?.some((pattern) => pattern.test(text)) ?? false;
  const loud =
    (level: 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const text = line(parts);
      if (demoted(text)) child.debug(text);
      else child[level](text);
    };
  return {
    debug: (...parts: unknown[]) => child.debug(line(parts)),
    info: (...parts: unknown[]) => child.info(line(parts)),
    warn: loud('warn'),
    error: loud('error'),
    // The level is pino's (from config); Bolt asks for it to decide what to build.
    setLevel: () => {},
    getLevel: () => {
      const level = child.level;
      if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
      if (level === 'info') return LogLevel.INFO;
      if (level === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: () => {},
  };
}
