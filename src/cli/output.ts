import type { Logger } from 'pino';
import { errorToMessage } from '../commands/error-message.js';
import { redact } from '../config/secret.js';
import { isMailsetupError } from '../errors.js';
import { createLogger } from '../log.js';
import { neutraliseControls } from '../render/safe-text.js';
import { renderText } from '../render/text.js';

/** Exit codes: 0 nothing failing, 1 a check is `fail` or `error`, 2 bad usage or bad config, 3 mailsetup itself failed. */
export const EXIT_OK = 0;
export const EXIT_FAILING = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/**
 * Where the CLI's output goes: results on stdout, errors on stderr in text mode; with `--json`
 * everything, errors included, is one JSON document on stdout. Text is neutralised of control
 * characters (a value from an argument, the config or an outside service never drives the terminal).
 */
export class CliOutput {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;

  constructor(streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, json: boolean) {
    this.#stdout = streams.stdout;
    this.#stderr = streams.stderr;
    this.json = json;
  }

  /** A result: `value` as JSON, or `text`. */
  result(value: unknown, text: () => string): void {
    if (this.json) this.#stdout.write(toJson(value));
    else this.text(text());
  }

  /** One JSON object per line (`--jsonl`, for a SIEM): nothing else goes to stdout. */
  jsonLines(values: readonly unknown[]): void {
    for (const value of values) this.#stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Text for a person on stdout (nothing in JSON mode, where stdout is one document). */
  text(text: string): void {
    if (!this.json) this.#stdout.write(safeText(text));
  }

  /**
   * Reports a failure in the chosen form and returns its exit code (2 for usage and config errors).
   * A failure that is not the user's is logged (on stderr) under the reference the user is shown.
   */
  error(error: unknown, logger: Logger = createLogger('error', this.#stderr)): number {
    const exit = exitCodeOf(error);
    const message = errorToMessage(error, (reference, cause) =>
      logger.error({ reference, err: cause instanceof Error ? cause : String(cause) }, 'command failed'),
    );
    if (this.json) {
      const coded = isMailsetupError(error) && error.code !== 'Internal';
      const body = coded
        ? { code: error.code, message: redact(error.message), ...(error.hint ? { hint: redact(error.hint) } : {}) }
        : { code: 'Internal', message: message.summary };
      this.#stdout.write(toJson({ error: body }));
    } else this.#stderr.write(safeText(renderText(message)));
    return exit;
  }
}

export function exitCodeOf(error: unknown): number {
  if (!isMailsetupError(error)) return EXIT_INTERNAL;
  if (error.code === 'UsageError' || error.code === 'ConfigInvalid') return EXIT_USAGE;
  return error.code === 'Internal' ? EXIT_INTERNAL : EXIT_FAILING;
}

/** Known secrets scrubbed, control characters made visible. */
export function safeText(text: string): string {
  return neutraliseControls(redact(text));
}

/**
 * JSON escapes C0 controls itself; DEL and the C1 controls (U+0080–U+009F, e.g. the one-byte CSI)
 * it leaves raw, so they are escaped too. Both only occur inside strings, so the JSON stays valid.
 */
function toJson(value: unknown): string {
  const json = redact(JSON.stringify(value, null, 2)).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${json}\n`;
}
