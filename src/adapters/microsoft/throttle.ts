import { setTimeout as delay } from 'node:timers/promises';
import { MailsetupError } from '../../errors.js';
import type { HttpResponse } from './http.js';

/** How long the bot is willing to wait on throttling within one call. */
export interface ThrottlePolicy {
  maxRetries: number;
  /** All waits of one call together, ms. */
  maxTotalWaitMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { maxRetries: 3, maxTotalWaitMs: 10_000 };

/** Without Retry-After: 1 s, 2 s, 4 s… */
const FALLBACK_WAIT_MS = 1000;

/**
 * Sends, and while the answer is 429 (or 503 with Retry-After) waits as told and sends again —
 * at most `maxRetries` times and `maxTotalWaitMs` in all, abandoning the wait when `signal` aborts.
 * Returns the last answer: still a 429 when the budget ran out (the caller reports it as throttled).
 */
export async function sendHonouringRetryAfter(
  send: () => Promise<HttpResponse>,
  options: { policy?: ThrottlePolicy; signal?: AbortSignal; label: string; source: string },
): Promise<HttpResponse> {
  const policy = options.policy ?? DEFAULT_THROTTLE_POLICY;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    const response = await send();
    if (!isThrottled(response) || attempt >= policy.maxRetries) return response;
    const wait = retryAfterMs(response.headers['retry-after']) ?? FALLBACK_WAIT_MS * 2 ** attempt;
    if (waited + wait > policy.maxTotalWaitMs) return response;
    waited += wait;
    try {
      await delay(wait, undefined, { signal: options.signal });
    } catch {
      throw new MailsetupError('AdapterTimeout', `Gave up waiting for ${options.label} to lift its throttling: the run was cancelled.`, {
        source: options.source,
      });
    }
  }
}

function isThrottled(response: HttpResponse): boolean {
  return response.status === 429 || (response.status === 503 && response.headers['retry-after'] !== undefined);
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.ceil(Number(header) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error for an answer that is still 429 after the budget: says how long the service asked to wait. */
export function throttledError(response: HttpResponse, label: string, source: string): MailsetupError {
  const wait = retryAfterMs(response.headers['retry-after']);
  const asked = wait === undefined ? '' : ` (it asks to wait ${Math.ceil(wait / 1000)} s)`;
  return new MailsetupError('AdapterThrottled', `${label} is throttling the bot${asked}; the check could not finish.`, {
    hint: 'This passes on its own; try again in a few minutes.',
    source,
    details: { httpStatus: response.status, retryAfter: response.headers['retry-after'] },
  });
}
