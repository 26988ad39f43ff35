import type { MappedCause } from '../engine/result.js';

export type HopStatus = 'pass' | 'fail' | 'error' | 'skip';

/** One hop of the test mail's way (DESIGN §5), with its time. */
export interface E2eHop {
  /** Stable id: `mx-sales`, `catchall-inbox`, … */
  id: string;
  /** What a user reads: "MX accepts mail to sales@". */
  name: string;
  status: HopStatus;
  durationMs?: number;
  /** One sentence: what was seen. */
  detail: string;
  /** The likely cause when it failed (cause table or hop knowledge). */
  cause?: MappedCause;
  /** Raw facts (replies, uids, ids, IPs). */
  evidence?: Record<string, unknown>;
}

export type E2eVerdict = 'pass' | 'fail' | 'error';

export interface E2eResult {
  tenant: string;
  startedAt: string;
  verdict: E2eVerdict;
  durationMs: number;
  hops: E2eHop[];
  /** The first hop that did not pass, when the verdict is not `pass`. */
  failedHop?: { id: string; name: string };
  cause?: MappedCause;
  /** The tokens marking this run's mails (subject `[mailsetup-test <token>]`, header `X-Mailsetup-Test`). */
  tokens: { sales: string; wrongAddress: string };
  /** The lead the test mail became, if it did. */
  lead?: { id: number; name: string };
  /**
   * Set when this request sent no mail of its own and shows another request's run instead: the run
   * in flight when it asked (`in-flight`), or the last one inside the rate limit (`rate-limited`).
   */
  shared?: { reason: 'in-flight' | 'rate-limited'; detail: string };
}

export interface E2eOptions {
  /** How long to wait for a mail to show up in a mailbox, ms. */
  deliveryTimeoutMs: number;
  /** First poll delay; doubles (×1.6) up to `pollMaxMs`. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** At most one run per tenant per this many ms (a second call gets "wait N s"). */
  minIntervalMs: number;
  /** And at most `maxRunsPerWindow` runs per `windowMs`: the ERP bounces a sender above `mail.gateway.loop.threshold` (20) mails per `mail.gateway.loop.minutes` (120). */
  maxRunsPerWindow: number;
  windowMs: number;
}

export const DEFAULT_E2E_OPTIONS: E2eOptions = {
  deliveryTimeoutMs: 120_000,
  pollInitialMs: 50,
  pollMaxMs: 2_000,
  minIntervalMs: 60_000,
  maxRunsPerWindow: 10,
  windowMs: 120 * 60_000,
};
