import { SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { boltLogger } from './bolt-logger.js';
import { slackErrorCode } from './slack-errors.js';
import { SocketConnectionLog } from './socket-connection-log.js';

/** How long Socket Mode waits between attempts to reach Slack: doubling from min to max. */
export interface SocketBackoff {
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_SOCKET_BACKOFF: SocketBackoff = { minTimeoutMs: 1000, maxTimeoutMs: 60_000 };

/**
 * Lines the Slack clients log on every failed attempt (@slack/web-api 8, @slack/socket-mode 3),
 * reported instead once per change by SocketConnectionLog.
 */
export const SOCKET_MODE_ATTEMPT_LINES = [/^http request failed/, /^WebSocket error/];

export interface SocketModeOptions {
  appToken: string;
  apiUrl: string;
  boltLogger: ReturnType<typeof boltLogger>;
  logger: Logger;
  /** Aborted when the bot stops: the retries end. */
  stopping: AbortSignal;
  backoff?: SocketBackoff;
}

/**
 * Bolt's SocketModeReceiver, configured for a bot that must either start or say why:
 * - Reconnection is off until the first connection (`connected()` turns it on). @slack/socket-mode
 *   3.1 gives up by itself only on invalid_auth, account_inactive, not_authed and a few others, and
 *   retries a token of the wrong kind (not_allowed_token_type) forever; off, every refusal at start
 *   rejects `start()`, which the bot turns into a sentence.
 * - Its Web API client retries network errors and 5xx answers of `apps.connections.open` without end,
 *   doubling the wait up to the backoff's max; each attempt is reported to SocketConnectionLog, which
 *   logs once per change. (@slack/web-api hands `retryConfig` to p-retry 4, which also takes
 *   `onFailedAttempt`; throwing there ends the retries, as stopping the bot does.)
 */
export class SlackSocketMode {
  readonly receiver: SocketModeReceiver;
  #connected = false;
  #live = false;
  #webSocketError: unknown;
  #refused: string | undefined;

  constructor(options: SocketModeOptions) {
    const backoff = options.backoff ?? DEFAULT_SOCKET_BACKOFF;
    const log = new SocketConnectionLog(options.logger);
    const retryConfig: webApi.RetryOptions & { onFailedAttempt(error: Error): void } = {
      forever: true,
      factor: 2,
      randomize: true,
      minTimeout: backoff.minTimeoutMs,
      maxTimeout: backoff.maxTimeoutMs,
      onFailedAttempt: (error) => {
        if (options.stopping.aborted) throw error;
        log.failed(error);
      },
    };
    this.receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger: options.boltLogger,
      autoReconnectEnabled: false,
      // The only way to give the Socket Mode client our API URL (apps.connections.open) — the lab's fake, or Slack.
      installerOptions: { clientOptions: { slackApiUrl: options.apiUrl, timeout: 10_000, retryConfig } },
    });
    const client = this.receiver.client;
    client.on('connected', () => {
      this.#live = true;
      log.connected();
    });
    client.on('reconnecting', () => {
      this.#live = false;
      log.reconnecting();
    });
    client.on('disconnected', () => {
      this.#live = false;
    });
    client.on('error', (error: unknown) => {
      // Before the first connection the error ends the start (and the bot says why); after, it is retried.
      if (this.#connected) log.failed(error);
      else this.#webSocketError = error;
    });
    // socket-mode 3.1 reconnects with `delayReconnectAttempt(this.start)` and no catch: a refusal it
    // treats as final (invalid_auth, account_inactive, not_authed) after a lost connection became an
    // unhandled rejection, which ends the whole bot. The reconnect reads `this.start` when the
    // connection closes, so an own `start` catches it: the first start still rejects (the bot says
    // why); a later one is logged once, in a sentence, and the rest of the bot runs on.
    const start = client.start.bind(client);
    client.start = async () => {
      try {
        return await start();
      } catch (error) {
        if (!this.#connected || options.stopping.aborted) throw error;
        this.#live = false;
        this.#refused = slackErrorCode(error) ?? failureCode(error);
        log.refusedWhileRunning(this.#refused);
        return undefined as unknown as Awaited<ReturnType<typeof start>>;
      }
    };
  }

  /** The WebSocket is open now (readiness). */
  get isConnected(): boolean {
    return this.#live;
  }

  /** The code Slack refused the app token with on a reconnect, after which the bot stopped trying. */
  get refusedWith(): string | undefined {
    return this.#refused;
  }

  /** Why the WebSocket could not be opened at start, when that is what failed. */
  get webSocketError(): unknown {
    return this.#webSocketError;
  }

  /** After the first connection: from now on a dropped connection is reopened (Slack drops them routinely). */
  connected(): void {
    this.#connected = true;
    // The field the `autoReconnectEnabled` option sets, read at every disconnect (socket-mode 3.1);
    // `private` in its .d.ts only. The reconnect test in test/chat/slack-socket.test.ts guards it.
    (this.receiver.client as unknown as { autoReconnectEnabled: boolean }).autoReconnectEnabled = true;
  }
}

function failureCode(error: unknown): string {
  return (error as { code?: string } | undefined)?.code ?? 'the connection could not be reopened';
}
