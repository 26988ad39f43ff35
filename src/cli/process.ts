import type { Logger } from 'pino';
import { EXIT_INTERNAL, safeText } from './output.js';

/**
 * A failure nothing else caught (`uncaughtException`, `unhandledRejection`) is logged, scrubbed of
 * secrets by the logger, and ends the process with EXIT_INTERNAL: a bot that limps on after one
 * may hold half-done state, and a service manager restarts a process that exits.
 */
export function exitOnUncaughtFailures(logger: Logger, stderr: NodeJS.WritableStream): void {
  const fail = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error instanceof Error ? error : String(error), kind }, 'mailsetup stopped on an unexpected failure');
    stderr.write(safeText(`mailsetup stopped on an unexpected failure (${kind}); the log line above has the details.\n`));
    exitWhenWritten(EXIT_INTERNAL);
  };
  process.on('uncaughtException', fail('uncaughtException'));
  process.on('unhandledRejection', fail('unhandledRejection'));
  // `mailsetup status | head -1`: a reader that stops reading is not a failure of mailsetup.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    else fail('stdout')(error);
  });
}

/**
 * Exits once stdout and stderr have taken everything written: a socket still open somewhere (a
 * TLS handshake that never finishes, a keep-alive connection) must not keep a finished run alive.
 */
export function exitWhenWritten(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  // Should a stream never call back (closed under us), the exit still happens.
  setTimeout(() => process.exit(code), 2000);
}
