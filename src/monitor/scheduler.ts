import { formatDuration } from '../config/duration.js';
import type { CheckResult } from '../engine/result.js';
import type { Clock, Repeating } from './scheduler-clock.js';
import { jitterOffsetMs } from './scheduler-jitter.js';
import { RunSlots } from './scheduler-slots.js';

/** What one tenant's run is given. */
export interface TenantRunRequest {
  tenant: string;
  cycle: number;
  dueAt: Date;
  /** Aborts at the run's deadline (`watch.deadline`) or when the watch stops. */
  signal: AbortSignal;
  /** Aborts only when the watch stops (for the outcome's `after`, which has no deadline of its own here). */
  stopSignal: AbortSignal;
}

/** What one tenant's run found. */
export interface TenantRunOutcome {
  runId: string;
  results: CheckResult[];
  /** The run could not check at all (it counts as `error` for the tenant). */
  runError?: string;
  /** A service asked this tenant to wait (429 Retry-After): its next run starts no earlier than this. */
  retryAfterMs?: number;
  /**
   * Work after the run is recorded, still in the tenant's turn (its next run waits) but outside the
   * deadline: the end-to-end test, bounded by its own delivery timeout.
   */
  after?: () => Promise<void>;
}

/** A run that ended (or was stopped at its deadline), as the alert book is told of it. */
export interface FinishedRun {
  runId: string;
  tenant: string;
  cycle: number;
  startedAt: Date;
  /** When it ended (the clock's time). */
  at: Date;
  durationMs: number;
  results: CheckResult[];
  runError?: string;
}

export type SkipReason = 'busy' | 'paused' | 'throttled';

export interface WatchSchedulerOptions {
  tenants: readonly string[];
  everyMs: number;
  deadlineMs: number;
  concurrency: number;
  clock: Clock;
  run(request: TenantRunRequest): Promise<TenantRunOutcome>;
  /** A cycle began (the alert book's tick, the heartbeat); before its tenants run. */
  onCycle?(cycle: number, dueAt: Date): void | Promise<void>;
  /** A tenant's run ended; awaited before the tenant may run again. */
  onFinished(run: FinishedRun): void | Promise<void>;
  /** A due run that did not start, and why (`detail`: the pause reason, the wait asked). */
  onSkipped?(tenant: string, reason: SkipReason, detail: string): void;
  /** Why the tenant must not run now (a pause), if it must not. */
  holdReason?(tenant: string, now: Date): string | undefined;
}

interface Lane {
  busy: boolean;
  /** The run holding the lane, so a Run-now can wait for it. */
  current?: Promise<unknown>;
  notBefore?: number;
  last?: FinishedRun;
  stop?: AbortController;
}

/**
 * When each tenant's watch runs. Per tenant one repeating timer (`every`, started at its jitter
 * offset in the interval) and one for the cycle (the alert book's tick, the heartbeat). A tenant's
 * runs never overlap: one due while the last still runs (or waits for a slot) is skipped, not
 * stacked. At most `concurrency` tenants run at once. A run past its deadline is aborted and
 * recorded as a run error; a tenant a service throttled waits alone.
 */
export class WatchScheduler {
  readonly #options: WatchSchedulerOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #slots: RunSlots;
  readonly #inFlight = new Set<Promise<void>>();
  #timers: Repeating[] = [];
  #anchor: number | undefined;
  #manualCycles = 0;
  #stopped = false;

  constructor(options: WatchSchedulerOptions) {
    this.#options = options;
    this.#slots = new RunSlots(options.concurrency);
    for (const tenant of options.tenants) this.#lanes.set(tenant, { busy: false });
  }

  /** Tenants running or waiting for a slot now. */
  get busy(): number {
    return [...this.#lanes.values()].filter((l) => l.busy).length;
  }

  /** The concurrency slots in use. */
  get running(): number {
    return this.#slots.running;
  }

  /** The tenant's offset in the interval (its jitter). */
  offsetOf(tenant: string): number {
    return jitterOffsetMs(tenant, this.#options.everyMs);
  }

  /** Starts the timers: cycle 1 begins now (rounded up to the second), each tenant at its offset in it. */
  start(): void {
    const { clock, everyMs } = this.#options;
    const anchor = Math.ceil((clock.now().getTime() + 1) / 1000) * 1000;
    this.#anchor = anchor;
    const onError = (error: unknown) => this.#options.onSkipped?.('*', 'busy', `a watch timer failed: ${String(error)}`);
    this.#timers.push(clock.repeat({ startAt: new Date(anchor), intervalMs: everyMs, onError }, (dueAt) => this.beginCycle(dueAt)));
    for (const tenant of this.#lanes.keys()) {
      const startAt = new Date(anchor + this.offsetOf(tenant));
      this.#timers.push(
        clock.repeat(
          { startAt, intervalMs: everyMs, onSkip: () => this.#options.onSkipped?.(tenant, 'busy', 'the last run is still going'), onError },
          (dueAt) => this.tickTenant(tenant, dueAt),
        ),
      );
    }
  }

  /** The cycle timer's entry: cycle numbers count intervals since `start()`. */
  async beginCycle(dueAt: Date): Promise<void> {
    if (this.#stopped) return;
    await this.#options.onCycle?.(this.#cycleAt(dueAt), dueAt);
  }

  /** A tenant timer's entry: runs the tenant unless it is busy, paused or throttled. */
  async tickTenant(tenant: string, dueAt: Date): Promise<void> {
    await this.#tick(tenant, this.#cycleAt(dueAt), dueAt);
  }

  /** One cycle now, every tenant at once within the concurrency (`watch --once`, `--cycles N`). */
  async runCycle(): Promise<number> {
    const cycle = ++this.#manualCycles;
    const now = this.#options.clock.now();
    await this.#options.onCycle?.(cycle, now);
    await Promise.all([...this.#lanes.keys()].map((tenant) => this.#tick(tenant, cycle, now)));
    return cycle;
  }

  /** When the tenant runs next (after `after`), once started. */
  nextRunAt(tenant: string, after: Date = this.#options.clock.now()): Date | undefined {
    if (this.#anchor === undefined) return undefined;
    const first = this.#anchor + this.offsetOf(tenant);
    const { everyMs } = this.#options;
    const k = Math.max(0, Math.ceil((after.getTime() - first) / everyMs));
    return new Date(first + k * everyMs);
  }

  lastRun(tenant: string): FinishedRun | undefined {
    return this.#lanes.get(tenant)?.last;
  }

  /**
   * Stops the timers; runs in progress get `graceMs` to finish, then they are aborted (and not
   * recorded: a shutdown is not the tenant's error).
   */
  async stop(graceMs = 0): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) timer.stop();
    this.#timers = [];
    const all = Promise.all([...this.#inFlight]);
    const grace = this.#options.clock.deadline(graceMs);
    await Promise.race([all, new Promise((resolve) => grace.signal.addEventListener('abort', resolve, { once: true }))]);
    grace.clear();
    for (const lane of this.#lanes.values()) lane.stop?.abort();
    await all;
  }

  #cycleAt(dueAt: Date): number {
    if (this.#anchor === undefined) return Math.max(1, this.#manualCycles);
    // Offsets stay a second short of the interval, so half a second absorbs the timer's own delay.
    return Math.floor((dueAt.getTime() - this.#anchor + 500) / this.#options.everyMs) + 1;
  }

  async #tick(tenant: string, cycle: number, dueAt: Date): Promise<void> {
    const lane = this.#lanes.get(tenant);
    if (!lane || this.#stopped) return;
    const { onSkipped } = this.#options;
    if (lane.busy) {
      onSkipped?.(tenant, 'busy', 'the last run is still going');
      return;
    }
    const now = this.#options.clock.now();
    const held = this.#options.holdReason?.(tenant, now);
    if (held) {
      onSkipped?.(tenant, 'paused', held);
      return;
    }
    if (lane.notBefore !== undefined && now.getTime() < lane.notBefore) {
      onSkipped?.(tenant, 'throttled', `a service asked to wait until ${new Date(lane.notBefore).toISOString()}`);
      return;
    }
    lane.busy = true;
    const work = this.#slots
      .use(() => this.#runOne(tenant, lane, cycle, dueAt))
      .finally(() => {
        lane.busy = false;
        lane.current = undefined;
        this.#inFlight.delete(work);
      });
    lane.current = work.catch(() => {});
    this.#inFlight.add(work);
    await work;
  }

  /**
   * Runs `work` for the tenant once no run of it is going, and holds the lane meanwhile (a tick
   * that falls due is skipped as busy): a tenant's runs never overlap, Run check now included.
   */
  async exclusive<T>(tenant: string, work: () => Promise<T>): Promise<T> {
    const lane = this.#lanes.get(tenant);
    if (!lane) return work();
    while (lane.busy) await (lane.current ?? new Promise((resolve) => setTimeout(resolve, 20)));
    lane.busy = true;
    const held = work();
    lane.current = held.catch(() => {});
    try {
      return await held;
    } finally {
      lane.busy = false;
      lane.current = undefined;
    }
  }

  async #runOne(tenant: string, lane: Lane, cycle: number, dueAt: Date): Promise<void> {
    const { clock, deadlineMs } = this.#options;
    if (this.#stopped) return;
    const startedAt = clock.now();
    const deadline = clock.deadline(deadlineMs);
    lane.stop = new AbortController();
    const signal = AbortSignal.any([deadline.signal, lane.stop.signal]);
    const running = this.#options.run({ tenant, cycle, dueAt, signal, stopSignal: lane.stop.signal }).then(
      (outcome) => ({ outcome }),
      (error: unknown) => ({ error }),
    );
    const ended = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
    const first = await Promise.race([running, ended]);
    deadline.clear();
    const stoppedByShutdown = lane.stop.signal.aborted;
    if (!stoppedByShutdown) {
      const at = clock.now();
      const base = { tenant, cycle, startedAt, at, durationMs: at.getTime() - startedAt.getTime() };
      let finished: FinishedRun;
      if (first === 'aborted') {
        finished = {
          ...base,
          runId: `deadline-${tenant}-${startedAt.getTime()}`,
          results: [],
          runError: `The watch run of ${tenant} did not finish within ${formatDuration(deadlineMs)} (watch.deadline), so it was stopped.`,
        };
      } else if ('error' in first) {
        finished = { ...base, runId: `failed-${tenant}-${startedAt.getTime()}`, results: [], runError: runErrorText(tenant, first.error) };
      } else {
        const { outcome } = first;
        finished = { ...base, runId: outcome.runId, results: outcome.results, ...(outcome.runError ? { runError: outcome.runError } : {}) };
        lane.notBefore = outcome.retryAfterMs ? at.getTime() + outcome.retryAfterMs : undefined;
      }
      lane.last = finished;
      await this.#options.onFinished(finished);
    }
    // The tenant stays busy until its run has really let go (an adapter that ignored the abort).
    const settled = await running;
    if (!lane.stop.signal.aborted && 'outcome' in settled && settled.outcome.after) {
      await settled.outcome.after().catch(() => {});
    }
    lane.stop = undefined;
  }
}

function runErrorText(tenant: string, error: unknown): string {
  const said = error instanceof Error && 'userMessage' in error ? String((error as { userMessage: string }).userMessage) : undefined;
  return said ?? `The watch run of ${tenant} could not start.`;
}
