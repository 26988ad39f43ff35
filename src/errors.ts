/**
 * Coded errors. Every failure the bot can explain carries a code and a sentence a user can act on;
 * the chat layer shows `userMessage` (never a stack trace). Messages must never contain secrets.
 */
export type ErrorCode =
  | 'UsageError'
  | 'ConfigInvalid'
  /** A part of the config a check needs is absent on purpose (no `microsoft` section): the check is skipped. */
  | 'NotConfigured'
  | 'AdapterTimeout'
  | 'AdapterUnavailable'
  | 'AdapterThrottled'
  | 'AuthFailed'
  | 'InsufficientPermission'
  | 'NotFound'
  | 'MissingModelOrField'
  | 'RemoteUserError'
  | 'GarbledResponse'
  | 'ConnectionLost'
  | 'PlanStale'
  | 'PlanExpired'
  | 'NotAuthorized'
  | 'Internal';

export interface MailsetupErrorOptions {
  /** What to do about it, one sentence. */
  hint?: string;
  /** Which outside service the error came from, e.g. `erp`, `exchange`, `graph`, `dns`, `imap`, `smtp`. */
  source?: string;
  /** Raw facts for `observed` (already free of secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class MailsetupError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly source?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: MailsetupErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailsetupError';
    this.code = code;
    this.hint = options.hint;
    this.source = options.source;
    this.details = options.details;
  }

  /** The sentence shown to a user: what is wrong, then what to do. */
  get userMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isMailsetupError(value: unknown): value is MailsetupError {
  return value instanceof MailsetupError;
}

/** Wraps anything thrown into a MailsetupError, keeping coded errors as they are. */
export function toMailsetupError(value: unknown, source?: string): MailsetupError {
  if (isMailsetupError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new MailsetupError('Internal', `Unexpected error${source ? ` from ${source}` : ''}: ${message}`, {
    source,
    cause: value,
  });
}
