import { webApi } from '@slack/bolt';
import { redact } from '../../config/secret.js';
import { type AlertChannel, type AlertPoster, DeliveryError, type PostedRef, type PostOptions } from '../../monitor/contract.js';
import { renderBlocks } from '../../render/blocks.js';
import type { Message } from '../../render/message.js';
import { redactDeep } from '../front-end.js';
import { slackErrorCode } from './slack-errors.js';

/** Slack error codes where trying the same call later can work. */
const TRANSIENT_CODES = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Codes that mean the bot cannot post in that channel: only a person can change that. */
const NO_CHANNEL: Record<string, string> = {
  channel_not_found: 'there is no channel %c the bot can see (check tenants[].alerts.slack, or invite the bot to that private channel)',
  not_in_channel: 'the bot is not a member of channel %c (invite it: /invite @mailsetup)',
  is_archived: 'channel %c is archived (unarchive it or name another channel in tenants[].alerts.slack)',
};

/**
 * A WebClient for alert delivery that never waits or retries on its own: a 429 is thrown at once
 * with Slack's Retry-After (`rejectRateLimitedCalls`), and nothing is retried (`retries: 0`), so
 * the outbox alone decides when to try again and a restart cannot lose a retry the SDK was holding.
 */
export function alertWebClient(
  token: string,
  options: { slackApiUrl: string; logger?: webApi.WebClientOptions['logger'] },
): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: options.slackApiUrl,
    logger: options.logger,
    timeout: 10_000,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
}

/**
 * Posts alerts to Slack: the root with `chat.postMessage`, follow-ups with `thread_ts` (the
 * recovery with `reply_broadcast`), state changes with `chat.update`. What Slack refuses becomes a
 * `DeliveryError` the outbox can act on.
 */
export class SlackAlertPoster implements AlertPoster {
  readonly #client: webApi.WebClient;

  constructor(client: webApi.WebClient) {
    this.#client = client;
  }

  async post(channel: AlertChannel, message: Message, options: PostOptions = {}): Promise<PostedRef> {
    const { main, thread } = renderBlocks(redactDeep(message));
    const root = options.thread?.messageId;
    try {
      const base = { channel: channel.conversationId, text: main.text, blocks: main.blocks };
      const posted = await this.#client.chat.postMessage(
        root ? (options.broadcast ? { ...base, thread_ts: root, reply_broadcast: true } : { ...base, thread_ts: root }) : base,
      );
      const ts = String(posted.ts ?? '');
      // What did not fit, and the evidence: under the root (a root's own thread, or the thread replied in).
      for (const part of thread) {
        await this.#client.chat.postMessage({
          channel: channel.conversationId,
          thread_ts: root ?? ts,
          text: part.text,
          blocks: part.blocks,
        });
      }
      return { platform: 'slack', conversationId: String(posted.channel ?? channel.conversationId), messageId: ts };
    } catch (error) {
      throw slackDeliveryError(error, channel.conversationId);
    }
  }

  async update(ref: PostedRef, message: Message): Promise<void> {
    const { main } = renderBlocks(redactDeep(message));
    try {
      await this.#client.chat.update({ channel: ref.conversationId, ts: ref.messageId, text: main.text, blocks: main.blocks });
    } catch (error) {
      throw slackDeliveryError(error, ref.conversationId);
    }
  }
}

/** A failed Web API call as a `DeliveryError`: retry after Slack's Retry-After, retry with backoff, or give up. */
export function slackDeliveryError(error: unknown, channel: string): DeliveryError {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; headers?: Record<string, string>; message?: string };
  if (e?.code === webApi.ErrorCode.RateLimitedError) {
    const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : undefined;
    return new DeliveryError(`Slack is rate-limiting the bot${seconds === undefined ? '' : ` (retry in ${seconds} s)`}.`, {
      retryAfterMs: seconds === undefined ? undefined : seconds * 1000,
      cause: error,
    });
  }
  if (e?.code === webApi.ErrorCode.HTTPError && typeof e.statusCode === 'number') {
    const retryAfterMs = retryAfterHeader(e.headers);
    const transient = e.statusCode >= 500 || e.statusCode === 408;
    return new DeliveryError(`Slack answered HTTP ${e.statusCode}${transient ? '; the alert will be sent again' : ''}.`, {
      retryAfterMs,
      permanent: !transient,
      cause: error,
    });
  }
  const code = slackErrorCode(error);
  if (code) {
    const noChannel = NO_CHANNEL[code];
    if (noChannel)
      return new DeliveryError(`Slack refused the alert: ${noChannel.replace('%c', channel)}.`, { permanent: true, cause: error });
    if (TRANSIENT_CODES.has(code)) return new DeliveryError(`Slack answered ${code}; the alert will be sent again.`, { cause: error });
    return new DeliveryError(`Slack refused the alert (${code}).`, { permanent: true, cause: error });
  }
  // No answer at all (connection refused, timeout), or a 429 without a usable Retry-After.
  const reason = redact(e?.message ?? String(error)).split('\n')[0];
  return new DeliveryError(`Slack could not be reached (${reason}); the alert will be sent again.`, { cause: error });
}

function retryAfterHeader(headers: Record<string, string> | undefined): number | undefined {
  const raw = headers?.['retry-after'];
  const seconds = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
