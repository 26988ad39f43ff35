import { defineSource } from '../engine/source.js';
import type { E2eResult } from './types.js';

export type E2eSnapshot =
  | { status: 'ran'; result: E2eResult /** When the run finished, ms since the epoch. */; finishedAt: number }
  | { status: 'never-run' }
  | { status: 'not-configured'; reason: string };

/**
 * The last end-to-end result, from the store: `status` sends no mail. Only `test-email` (and the
 * watch schedule) run the test; this reads what the last run found, in any process on the store.
 */
export const mailflowE2e = defineSource<E2eSnapshot>({
  key: 'mailflow.e2e',
  label: 'the last end-to-end test result',
  fetch: async (ctx) => {
    if (!ctx.tenant.probe?.outsideSender) {
      return {
        status: 'not-configured',
        reason: 'tenants[].probe.outsideSender is not set, so the bot has no outside address to send test mail as.',
      };
    }
    const last = ctx.adapters.e2eRuns.last();
    return last?.result && last.finishedAt !== undefined
      ? { status: 'ran', result: last.result, finishedAt: last.finishedAt }
      : { status: 'never-run' };
  },
});
