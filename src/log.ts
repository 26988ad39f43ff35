import pino, { type Logger } from 'pino';
import { redact } from './config/secret.js';
import { neutraliseControls } from './render/safe-text.js';

/**
 * JSON logs on stderr (stdout belongs to the CLI's output). Every string that reaches the log is
 * scrubbed of known secret values, and the usual secret-bearing keys are censored by path. Control
 * characters become visible escapes (JSON leaves DEL and C1 raw, and a log is often read on a terminal).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'mailsetup' },
      redact: {
        paths: [
          '*.password',
          '*.clientSecret',
          '*.apiKey',
          '*.token',
          '*.accessToken',
          '*.authorization',
          '*.Authorization',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? safe(a) : a instanceof Error ? safe(a.message) : a));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
      formatters: {
        // Errors are serialised here (JSON.stringify alone makes `{}` of them), then scrubbed.
        log: (object) =>
          JSON.parse(
            redact(
              JSON.stringify(object, (_key, value) =>
                value instanceof Error ? pino.stdSerializers.err(value) : typeof value === 'string' ? neutraliseControls(value) : value,
              ),
            ),
          ),
      },
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

function safe(text: string): string {
  return neutraliseControls(redact(text));
}
