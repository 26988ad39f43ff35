import type { Metrics } from './metrics.js';

/**
 * The hook a scheduler calls on every tick. Readiness fails when the last tick is older than two
 * intervals (the scheduler is stuck, or the event loop is), and the lag of each tick behind its
 * due time is the `mailsetup_scheduler_lag_seconds` gauge.
 *
 * @example
 * const heartbeat = app.service.scheduler(5 * 60_000);
 * heartbeat.ticked({ dueAt });   // at the start of each watch cycle
 */
export class SchedulerHeartbeat {
  readonly intervalMs: number;
  readonly #metrics: Metrics;
  readonly #now: () => number;
  readonly #startedAt: number;
  #lastTick: number | undefined;

  constructor(options: { intervalMs: number; metrics: Metrics; now?: () => number }) {
    this.intervalMs = options.intervalMs;
    this.#metrics = options.metrics;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** A tick began now; `dueAt` is when it was due (for the lag). */
  ticked(options: { dueAt?: Date } = {}): void {
    const now = this.#now();
    this.#lastTick = now;
    if (options.dueAt) this.#metrics.schedulerLag.set(Math.max(0, now - options.dueAt.getTime()) / 1000);
  }

  /** The readiness reason, or undefined when the scheduler is on time. */
  probe(): string | undefined {
    const since = this.#lastTick ?? this.#startedAt;
    const age = this.#now() - since;
    if (age <= 2 * this.intervalMs) return undefined;
    const what = this.#lastTick === undefined ? 'has not ticked since start' : `last ticked ${minutes(age)} ago`;
    return `the scheduler ${what} (interval ${minutes(this.intervalMs)})`;
  }
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6000) / 10} min` : `${Math.round(ms / 1000)} s`;
}
