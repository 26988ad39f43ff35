import type { Logger } from 'pino';
import { redact } from '../../config/secret.js';

/**
 * The state of the Socket Mode connection, logged once per change rather than once per attempt:
 * one line when Slack cannot be reached (and again only if the reason changes), one when the
 * connection is lost, one when it is back.
 */
export class SocketConnectionLog {
  readonly #logger: Logger;
  #state: 'starting' | 'connected' | 'reconnecting' | `failing:${string}` = 'starting';

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  failed(error: unknown): void {
    const reason = failureReason(error);
    if (this.#state === `failing:${reason}`) return;
    this.#state = `failing:${reason}`;
    this.#logger.warn({ reason }, `Slack Socket Mode cannot connect (${reason}); retrying with backoff`);
  }

  reconnecting(): void {
    if (this.#state !== 'connected') return;
    this.#state = 'reconnecting';
    this.#logger.warn('The Slack Socket Mode connection was lost; reconnecting');
  }

  /** Slack refused the app token on a reconnect (socket-mode gives up on such codes): commands stop until someone acts. */
  refusedWhileRunning(code: string): void {
    this.#state = `failing:${code}`;
    this.#logger.error(
      { reason: code },
      `Slack refused the app token while reconnecting (${code}), so Slack commands and buttons stop reaching the bot; alerts still post with the bot token. Check that the app is still installed and the workspace active, put a valid app token (xapp-…) in slack.appToken, and restart the bot.`,
    );
  }

  connected(): void {
    const before = this.#state;
    this.#state = 'connected';
    if (before !== 'starting' && before !== 'connected') this.#logger.info('Slack Socket Mode connected again');
  }
}

/** A short reason for a failed attempt: the network error code, the HTTP status, or the message. */
function failureReason(error: unknown): string {
  const e = error as { statusCode?: number; original?: { cause?: { code?: string }; message?: string }; message?: string };
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}`;
  const code = e?.original?.cause?.code;
  if (code) return code;
  // undici's WebSocket reports a failed handshake with an empty message.
  return redact(e?.original?.message || e?.message || '').split('\n')[0] || 'the WebSocket handshake did not complete';
}
