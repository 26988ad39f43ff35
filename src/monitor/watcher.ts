import type { Logger } from 'pino';
import type { Core } from '../commands/context.js';
import type { CheckDefinition } from '../engine/check.js';
import { summarize } from '../engine/result.js';
import { runChecks } from '../engine/run.js';
import type { Metrics } from '../service/metrics.js';
import { runObserver } from '../service/run-observer.js';
import type { SchedulerHeartbeat } from '../service/scheduler-heartbeat.js';
import type { ServiceEvents } from '../service/service-events.js';
import type { AlertBook, AlertTransition, OutboxDelivery } from './contract.js';
import { runTenantWatch } from './run-tenant.js';
import { type FinishedRun, type TenantRunOutcome, type TenantRunRequest, WatchScheduler } from './scheduler.js';
import { type Clock, type Repeating, SystemClock } from './scheduler-clock.js';
import type { LastWatchRun, LastWatchRuns } from './watch-last-runs.js';
import type { WatchPause, WatchPauses } from './watch-pauses.js';
import type { WatchRunnerRecord } from './watch-runner.js';

export interface WatcherOptions {
  core: Core;
  /** The alert policy: told of every finished run and every cycle start. */
  book: AlertBook;
  /** Delivers what the book put in the outbox; absent, a dry run (the messages stay where they are). */
  outbox?: OutboxDelivery;
  pauses?: WatchPauses;
  lastRuns?: LastWatchRuns;
  /** Where the running watch says which process it is (read by `watch --once` in other processes). */
  runner?: WatchRunnerRecord;
  clock?: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** The service's hooks: one JSON line per watch run and per alert transition. */
  events?: ServiceEvents;
  /** Readiness: ticked at each cycle start. */
  heartbeat?: SchedulerHeartbeat;
  /** Tests: a tenant's run instead of the engine's. */
  runTenant?: (request: TenantRunRequest) => Promise<TenantRunOutcome>;
}

/** One tenant as `watch` shows it. */
export interface WatchedTenant {
  tenant: string;
  nextRunAt?: Date;
  last?: LastWatchRun;
  pause?: WatchPause;
}

/** How often the outbox is looked at between cycles (a 429's retry should not wait a whole interval). */
const DELIVERY_EVERY_MS = 10_000;

/**
 * The watch: the scheduler's runs of each tenant's watched checks, told to the alert book, whose
 * outbox is then delivered. `start()` runs it on its timers; `runCycle()` runs one cycle now
 * (`watch --once`, `--cycles N`). Transitions are kept in order for the CLI's `--json`.
 */
export class Watcher {
  readonly scheduler: WatchScheduler;
  /** Every transition so far, in order (cycle starts and runs). */
  readonly transitions: AlertTransition[] = [];
  readonly #options: WatcherOptions;
  readonly #clock: Clock;
  readonly #checks: readonly CheckDefinition[];
  #delivering: Promise<void> | undefined;
  #deliverAgain = false;
  #deliveryTimer: Repeating | undefined;
  /** `start()` ran: this process is the store's watch (not a one-off cycle). */
  #started = false;

  constructor(options: WatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? new SystemClock();
    const { config } = options.core;
    this.#checks = options.core.catalogue.filter((c) => c.meta.watched);
    this.scheduler = new WatchScheduler({
      tenants: config.tenants.map((t) => t.name),
      everyMs: config.watch.every,
      deadlineMs: config.watch.deadline,
      concurrency: config.watch.concurrency,
      clock: this.#clock,
      run: options.runTenant ?? ((request) => this.#runTenant(request)),
      onCycle: (cycle, dueAt) => this.#cycleBegan(cycle, dueAt),
      onFinished: (run) => this.#runFinished(run),
      onSkipped: (tenant, reason, detail) =>
        options.logger.info({ tenant, reason, detail, event: 'watch-skipped' }, `watch run of ${tenant} skipped`),
      holdReason: (tenant, now) => {
        const pause = options.pauses?.active(tenant, now);
        return pause ? `paused until ${pause.until}: ${pause.reason}` : undefined;
      },
    });
  }

  get everyMs(): number {
    return this.#options.core.config.watch.every;
  }

  /** Runs on the timers until `stop()`. */
  start(): void {
    this.#started = true;
    this.#asRunner((runner) => runner.beat(this.everyMs));
    this.scheduler.start();
    const every = Math.min(DELIVERY_EVERY_MS, this.everyMs);
    this.#deliveryTimer = this.#clock.repeat({ startAt: new Date(this.#clock.now().getTime() + every), intervalMs: every }, () =>
      this.deliver(),
    );
    const { config } = this.#options.core;
    this.#options.logger.info(
      {
        tenants: config.tenants.length,
        everyMs: config.watch.every,
        e2eEveryMs: config.watch.e2eEvery,
        concurrency: config.watch.concurrency,
      },
      'watch started',
    );
  }

  /** One cycle now over every tenant; resolves with its transitions once the outbox was delivered. */
  async runCycle(): Promise<AlertTransition[]> {
    const before = this.transitions.length;
    await this.scheduler.runCycle();
    await this.deliver();
    return this.transitions.slice(before);
  }

  /**
   * Runs these checks of the tenant now, outside the schedule (the alert's Run check now button);
   * the results go to the alert book like a scheduled run's.
   */
  async runNow(tenantName: string, checkIds: string[]): Promise<void> {
    const { core } = this.#options;
    const tenant = core.tenant(tenantName);
    // After the tenant's scheduled run, if one is going: the two never overlap.
    await this.scheduler.exclusive(tenant.name, () => this.#runChecksNow(tenant, checkIds));
    await this.deliver();
  }

  async #runChecksNow(tenant: ReturnType<Core['tenant']>, checkIds: string[]): Promise<void> {
    const { core, book, logger } = this.#options;
    const checks = core.catalogue.filter((c) => checkIds.includes(c.meta.id));
    const deadline = this.#clock.deadline(core.config.watch.deadline);
    try {
      const report = await runChecks({
        checks,
        catalogue: core.catalogue,
        adapters: core.adapters(tenant),
        tenant,
        services: core.config.services,
        timeouts: core.config.timeouts,
        signal: deadline.signal,
        now: () => this.#clock.now(),
      });
      const cycle = this.scheduler.lastRun(tenant.name)?.cycle ?? 0;
      this.#record(
        this.#safely('observe', () => book.observe({ tenant: tenant.name, at: this.#clock.now(), cycle, results: report.checks })),
        undefined,
      );
      logger.info({ tenant: tenant.name, checks: checkIds, event: 'watch-run-now' }, `checks run now for ${tenant.name}`);
    } finally {
      deadline.clear();
    }
  }

  /** Per tenant: the next run, the last one, the pause. */
  tenants(now: Date = this.#clock.now()): WatchedTenant[] {
    return this.#options.core.config.tenants.map(({ name }) => {
      const nextRunAt = this.scheduler.nextRunAt(name, now);
      const last = this.#options.lastRuns?.last(name);
      const pause = this.#options.pauses?.active(name, now);
      return { tenant: name, ...(nextRunAt ? { nextRunAt } : {}), ...(last ? { last } : {}), ...(pause ? { pause } : {}) };
    });
  }

  /** Delivers the outbox; calls while one delivery runs are folded into one more pass after it. */
  deliver(): Promise<void> {
    const { outbox, logger } = this.#options;
    if (!outbox) return Promise.resolve();
    if (this.#delivering) {
      this.#deliverAgain = true;
      return this.#delivering;
    }
    this.#delivering = (async () => {
      do {
        this.#deliverAgain = false;
        try {
          const { sent, failed, waiting } = await outbox.deliverDue();
          if (sent + failed > 0) logger.info({ sent, failed, waiting, event: 'outbox-delivered' }, 'outbox delivered');
        } catch (error) {
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox delivery failed');
        }
      } while (this.#deliverAgain);
    })().finally(() => {
      this.#delivering = undefined;
    });
    return this.#delivering;
  }

  /** Stops the timers, lets running runs finish within `graceMs` (then aborts them), and delivers what is due. */
  async stop(graceMs = 0): Promise<void> {
    this.#deliveryTimer?.stop();
    await this.scheduler.stop(graceMs);
    await this.deliver();
    if (this.#started) this.#asRunner((runner) => runner.clear());
    this.#options.logger.info('watch stopped');
  }

  async #runTenant(request: TenantRunRequest): Promise<TenantRunOutcome> {
    const { core, metrics, logger } = this.#options;
    const tenant = core.tenant(request.tenant);
    const runId = `${request.tenant}-${request.cycle}-${request.dueAt.getTime().toString(36)}`;
    const observer = metrics ? runObserver({ metrics, logger: logger.child({ runId, tenant: tenant.name }), kind: 'watch' }) : undefined;
    return runTenantWatch({
      core,
      tenant,
      checks: this.#checks,
      signal: request.signal,
      stopSignal: request.stopSignal,
      e2eEveryMs: core.config.watch.e2eEvery,
      now: () => this.#clock.now(),
      runId,
      onE2e: (result) => {
        const verdict = result instanceof Error ? 'error' : result === 'rate-limited' ? 'rate-limited' : result.verdict;
        logger.info({ runId, tenant: tenant.name, verdict, event: 'watch-e2e' }, `watch end-to-end test of ${tenant.name}: ${verdict}`);
      },
      ...(observer ? { onFetch: (event) => observer.fetched(event) } : {}),
    });
  }

  #cycleBegan(cycle: number, dueAt: Date): void {
    this.#options.heartbeat?.ticked({ dueAt });
    if (this.#started) this.#asRunner((runner) => runner.beat(this.everyMs));
    this.#record(
      this.#safely('tick', () => this.#options.book.tick(this.#clock.now())),
      undefined,
    );
    void cycle;
  }

  async #runFinished(run: FinishedRun): Promise<void> {
    const { book, events, metrics, lastRuns } = this.#options;
    const summary = summarize(run.results);
    for (const check of run.results) metrics?.checkResults.inc({ check: check.id, status: check.status });
    const counts = { pass: summary.pass, warn: summary.warn, fail: summary.fail, error: summary.error, skip: summary.skip };
    if (events) events.watchRun({ runId: run.runId, tenant: run.tenant, counts, durationMs: run.durationMs });
    else
      this.#options.logger.info(
        { runId: run.runId, tenant: run.tenant, counts, durationMs: run.durationMs, event: 'watch-run' },
        `watch run ${run.tenant}`,
      );
    if (run.runError) this.#options.logger.warn({ runId: run.runId, tenant: run.tenant, runError: run.runError }, 'watch run error');
    lastRuns?.record(run);
    const transitions = this.#safely('observe', () =>
      book.observe({
        tenant: run.tenant,
        at: run.at,
        cycle: run.cycle,
        results: run.results,
        ...(run.runError ? { runError: run.runError } : {}),
      }),
    );
    this.#record(transitions, run.runId);
    if (transitions.length > 0) await this.deliver();
  }

  #record(transitions: AlertTransition[], runId: string | undefined): void {
    for (const t of transitions) {
      this.transitions.push(t);
      this.#options.events?.alertTransition({ ...(runId ? { runId } : {}), tenant: t.tenant, check: t.checkId, from: t.from, to: t.to });
    }
  }

  /** Says in the store that this process runs the watch; a failed write is logged, the watch goes on. */
  #asRunner(fn: (runner: WatchRunnerRecord) => void): void {
    const { runner, logger } = this.#options;
    if (!runner) return;
    try {
      fn(runner);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'the watch could not record itself in the store');
    }
  }

  /** The alert book failing must not stop the watch of the other tenants; it is logged. */
  #safely(what: string, fn: () => AlertTransition[]): AlertTransition[] {
    try {
      return fn();
    } catch (error) {
      this.#options.logger.error({ err: error instanceof Error ? error.message : String(error), what }, 'the alert book failed');
      return [];
    }
  }
}
