import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPModuleFunctions, HTTPReceiver, type HTTPReceiverOptions, isRawBodyError, verifySlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';
import { ReplayCache } from './replay-cache.js';

/** Slack's requests are a few KB; anything larger is refused before it is parsed. */
export const MAX_SLACK_REQUEST_BYTES = 64 * 1024;
/** Slack's signing window: a timestamp further than this from now, either way, is refused. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export interface SignedRequestReceiverOptions {
  signingSecret: string;
  endpoints: string[];
  /** Bolt's logger (Bolt's own lines) and ours (why a request was refused). */
  boltLogger: HTTPReceiverOptions['logger'];
  logger: Logger;
  replays?: ReplayCache;
  now?: () => number;
}

/**
 * Bolt's HTTPReceiver with the checks it lacks, run before Bolt sees the request: Bolt's
 * `verifySlackRequest` refuses only timestamps in the past, so a timestamp more than 5 minutes
 * ahead is refused here too; a signature already seen is a replay; Slack's own redeliveries
 * (`X-Slack-Retry-Num`) are acknowledged without running again, since the first delivery was
 * acknowledged at once and is running. The body is buffered once (64 KB at most, else 413); Bolt
 * then reuses the buffer and verifies the signature again, as it always does.
 */
export class SignedRequestReceiver extends HTTPReceiver {
  readonly #options: SignedRequestReceiverOptions;
  readonly #replays: ReplayCache;
  readonly #now: () => number;

  constructor(options: SignedRequestReceiverOptions) {
    super({
      signingSecret: options.signingSecret,
      endpoints: options.endpoints,
      logger: options.boltLogger,
      processBeforeResponse: false,
      bodyLimit: MAX_SLACK_REQUEST_BYTES,
    });
    this.#options = options;
    this.#replays = options.replays ?? new ReplayCache();
    this.#now = options.now ?? Date.now;
    const boltListener = this.requestListener;
    this.requestListener = (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      // Other paths and methods go to Bolt as they come (it answers 404, or a custom route).
      if (req.method !== 'POST' || !options.endpoints.includes(path)) return boltListener(req, res);
      void this.#admit(req, res).then(
        (admitted) => {
          if (admitted) boltListener(req, res);
        },
        (error: unknown) => {
          this.#options.logger.error({ err: String(error) }, 'A Slack request could not be checked');
          if (!res.headersSent) answer(res, 500);
        },
      );
    };
  }

  /** True when the request may go on to Bolt; otherwise it has been answered here. */
  async #admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const log = this.#options.logger;
    let rawBody: Buffer;
    try {
      rawBody = (await HTTPModuleFunctions.bufferIncomingMessage(req, MAX_SLACK_REQUEST_BYTES)).rawBody;
    } catch (error) {
      if (isRawBodyError(error) && error.type === 'entity.too.large') {
        log.warn({ limit: MAX_SLACK_REQUEST_BYTES }, 'Refused a Slack request larger than 64 KB');
        answer(res, 413);
      } else {
        log.warn({ err: String(error) }, 'A Slack request body could not be read');
        answer(res, 400);
      }
      return false;
    }
    const body = rawBody.toString('utf8');
    // Slack's unsigned `ssl_check=1` probe: Bolt answers it and drops anything else in the body.
    if (req.headers['content-type'] === 'application/x-www-form-urlencoded' && parseQuery(body).ssl_check === '1') return true;

    const signature = req.headers['x-slack-signature'];
    const timestampHeader = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof timestampHeader !== 'string') {
      log.warn('Refused a Slack request without its signature headers');
      answer(res, 401);
      return false;
    }
    const timestamp = Number(timestampHeader);
    const nowMs = this.#now();
    try {
      verifySlackRequest({
        signingSecret: this.#options.signingSecret,
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: nowMs,
      });
    } catch (error) {
      log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'Refused a Slack request that failed verification');
      answer(res, 401);
      return false;
    }
    if (timestamp > nowMs / 1000 + SIGNATURE_WINDOW_SECONDS) {
      log.warn({ aheadSeconds: Math.round(timestamp - nowMs / 1000) }, 'Refused a Slack request stamped more than 5 minutes ahead');
      answer(res, 401);
      return false;
    }
    const retryNum = HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req);
    if (retryNum !== undefined) {
      log.info(
        { retryNum, reason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req) },
        "Acknowledged Slack's redelivery of an event without running it again",
      );
      answer(res, 200);
      return false;
    }
    if (!this.#replays.firstSighting(signature, (timestamp + SIGNATURE_WINDOW_SECONDS) * 1000, nowMs)) {
      log.warn('Refused a replayed Slack request (its signature was already used)');
      answer(res, 401);
      return false;
    }
    return true;
  }
}

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
