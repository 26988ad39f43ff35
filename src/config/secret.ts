import { readFileSync } from 'node:fs';
import { MailsetupError } from '../errors.js';

/**
 * A secret value from config. It never prints itself: `String(secret)`, `JSON.stringify` and
 * `util.inspect` all show `[redacted]`. Only `reveal()` gives the value, at the point of use.
 */
export class Secret {
  readonly #value: string;
  /** Where it came from (`inline`, `env:NAME`, `file:PATH`), safe to show. */
  readonly origin: string;

  constructor(value: string, origin: string) {
    this.#value = value;
    this.origin = origin;
    Secrets.register(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.origin})`;
  }
}

/**
 * Every secret value the process has seen, so that any text leaving the process (chat, logs,
 * errors, audit) can be scrubbed by `redact()` as a second line of defence.
 */
export const Secrets = {
  values: new Set<string>(),
  /** Short-lived credentials the bot obtained (access tokens): only the most recent are kept. */
  issued: new Set<string>(),
  register(value: string): void {
    // Very short values would scrub ordinary words (`pw` in every `pwd`); the log warns about them instead.
    if (value.length >= UNSCRUBBED_LENGTH) this.values.add(value);
  },
  /** An access token or similar: scrubbed like a secret, but bounded so a long-running bot doesn't grow. */
  registerIssued(value: string): void {
    if (value.length < 8) return;
    this.issued.delete(value);
    this.issued.add(value);
    if (this.issued.size > MAX_ISSUED) this.issued.delete(this.issued.values().next().value as string);
  },
};

const MAX_ISSUED = 256;

/** Secrets shorter than this are not scrubbed from text. */
export const UNSCRUBBED_LENGTH = 4;

/** Replaces every known secret value in `text` with `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const set of [Secrets.values, Secrets.issued]) {
    for (const value of set) {
      if (out.includes(value)) out = out.split(value).join('[redacted]');
    }
  }
  return out;
}

/**
 * Resolves `env:NAME`, `file:PATH` or an inline value into a Secret.
 * @throws MailsetupError ConfigInvalid when the variable or file is missing.
 */
export function resolveSecret(reference: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): Secret {
  if (reference.startsWith('env:')) {
    const name = reference.slice(4);
    const value = env[name];
    if (value === undefined || value === '') {
      throw new MailsetupError('ConfigInvalid', `environment variable ${name} is not set`, {
        hint: `Set ${name}, or give the value inline.`,
      });
    }
    return new Secret(value, reference);
  }
  if (reference.startsWith('file:')) {
    const path = reference.slice(5);
    const full = path.startsWith('/') ? path : `${baseDir}/${path}`;
    try {
      return new Secret(readFileSync(full, 'utf8').trim(), reference);
    } catch {
      throw new MailsetupError('ConfigInvalid', `cannot read secret file ${path}`, {
        hint: 'Check the path and that the bot may read it.',
      });
    }
  }
  return new Secret(reference, 'inline');
}
