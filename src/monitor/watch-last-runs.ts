import { summarize } from '../engine/result.js';
import type { FinishedRun } from './scheduler.js';
import type { KeyValueRecords } from './watch-pauses.js';

/** A tenant's last watch run as `watch` shows it: when, how long, the counts, the failing checks. */
export interface LastWatchRun {
  runId: string;
  at: string;
  cycle: number;
  durationMs: number;
  counts: { pass: number; warn: number; fail: number; error: number; skip: number };
  failing: string[];
  runError?: string;
}

const keyOf = (tenant: string) => `watch-last-run:${tenant}`;

/** The last watch run per tenant, in the store (`kv`): the bot writes it, `watch` in any process reads it. */
export class LastWatchRuns {
  readonly #records: KeyValueRecords;

  constructor(records: KeyValueRecords) {
    this.#records = records;
  }

  record(run: FinishedRun): LastWatchRun {
    const summary = summarize(run.results);
    const last: LastWatchRun = {
      runId: run.runId,
      at: run.at.toISOString(),
      cycle: run.cycle,
      durationMs: run.durationMs,
      counts: { pass: summary.pass, warn: summary.warn, fail: summary.fail, error: summary.error, skip: summary.skip },
      failing: summary.failing,
      ...(run.runError ? { runError: run.runError } : {}),
    };
    this.#records.set(keyOf(run.tenant), last);
    return last;
  }

  last(tenant: string): LastWatchRun | undefined {
    return this.#records.get<LastWatchRun>(keyOf(tenant));
  }
}
