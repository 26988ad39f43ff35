import { defineSource } from '../engine/source.js';
import { E2eRateLimited, lastRun } from './gate.js';
import { runEndToEnd } from './run.js';
import { DEFAULT_E2E_OPTIONS, type E2eResult } from './types.js';

export type E2eSnapshot =
  | {
      status: 'ran';
      result: E2eResult;
      /** Set when the tenant's rate limit gave the last run's result instead of a new one. */
      ageMs?: number;
    }
  | { status: 'not-configured'; reason: string };

/**
 * The end-to-end test as a source, so `status` and the watcher include it. Heavy: it sends mail and
 * waits for delivery, hence its own long timeout. Inside the tenant's rate-limit window it returns
 * the last run's result (with its age) instead of sending again.
 */
export const mailflowE2e = defineSource<E2eSnapshot>({
  key: 'mailflow.e2e',
  label: 'the end-to-end test mail',
  // Two delivery waits (catch-all inbox, error notice) plus sending and fetching.
  timeoutMs: 2 * DEFAULT_E2E_OPTIONS.deliveryTimeoutMs + 60_000,
  fetch: async (ctx) => {
    if (!ctx.tenant.probe?.outsideSender) {
      return {
        status: 'not-configured',
        reason: 'tenants[].probe.outsideSender is not set, so the bot has no outside address to send test mail as.',
      };
    }
    try {
      return { status: 'ran', result: await runEndToEnd({ adapters: ctx.adapters, tenant: ctx.tenant, signal: ctx.signal }) };
    } catch (error) {
      const last = error instanceof E2eRateLimited ? lastRun(ctx.adapters) : undefined;
      if (last) return { status: 'ran', result: last.result, ageMs: Date.now() - last.at };
      throw error;
    }
  },
});
