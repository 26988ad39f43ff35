import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { type FinishedRun, type TenantRunOutcome, type TenantRunRequest, WatchScheduler } from '../../src/monitor/scheduler.js';
import { jitterOffsetMs } from '../../src/monitor/scheduler-jitter.js';
import { ManualClock, settleMicrotasks } from './manual-clock.js';

const EVERY = 5 * 60_000;
const DEADLINE = 2 * 60_000;

function passing(tenant: string): CheckResult {
  return {
    id: 'exchange-catchall-rule',
    title: 'rule',
    area: 'exchange',
    severity: 'critical',
    fixable: true,
    tenant,
    status: 'pass',
    detail: 'ok',
    observed: {},
    expected: {},
    durationMs: 1,
  };
}

/** A scheduler over a manual clock whose runs the test controls per tenant. */
function harness(options: { tenants: string[]; concurrency?: number; run?: (request: TenantRunRequest) => Promise<TenantRunOutcome> }) {
  const clock = new ManualClock();
  const started: { tenant: string; at: number; cycle: number }[] = [];
  const finished: FinishedRun[] = [];
  const skipped: { tenant: string; reason: string }[] = [];
  const cycles: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const scheduler = new WatchScheduler({
    tenants: options.tenants,
    everyMs: EVERY,
    deadlineMs: DEADLINE,
    concurrency: options.concurrency ?? 16,
    clock,
    async run(request) {
      started.push({ tenant: request.tenant, at: clock.now().getTime(), cycle: request.cycle });
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await (options.run?.(request) ?? Promise.resolve({ runId: `r-${request.tenant}`, results: [passing(request.tenant)] }));
      } finally {
        running -= 1;
      }
    },
    onCycle: (cycle) => {
      cycles.push(cycle);
    },
    onFinished: (run) => {
      finished.push(run);
    },
    onSkipped: (tenant, reason) => skipped.push({ tenant, reason }),
  });
  return { clock, scheduler, started, finished, skipped, cycles, maxRunning: () => maxRunning };
}

describe('watch scheduler (injected clock)', () => {
  it('spreads the tenants over the interval by a stable jitter, each running once per interval', async () => {
    const tenants = Array.from({ length: 50 }, (_, i) => `tenant-${i}`);
    const h = harness({ tenants });
    const start = h.clock.now().getTime();
    h.scheduler.start();
    await h.clock.advance(EVERY);
    expect(h.started).toHaveLength(50);
    expect(new Set(h.started.map((s) => s.tenant)).size).toBe(50);
    // Each minute of the five holds some tenants' start: not all at the top of the interval.
    const minutes = new Set(h.started.map((s) => Math.floor((s.at - start) / 60_000)));
    expect([...minutes].sort()).toEqual([0, 1, 2, 3, 4]);
    // Stable: the same name lands at the same offset.
    expect(jitterOffsetMs('tenant-7', EVERY)).toBe(jitterOffsetMs('tenant-7', EVERY));
    await h.clock.advance(EVERY);
    expect(h.started).toHaveLength(100);
    expect(h.cycles).toEqual([1, 2]);
    expect(h.started.filter((s) => s.cycle === 2)).toHaveLength(50);
  });

  it('skips a slow tenant’s next tick instead of stacking it, and stops it at the deadline as a run error', async () => {
    const h = harness({
      tenants: ['slow', 'quick'],
      // `slow` ignores its signal and never ends on its own, like a hung outside call.
      run: (request) =>
        request.tenant === 'slow' ? new Promise<TenantRunOutcome>(() => {}) : Promise.resolve({ runId: 'q', results: [passing('quick')] }),
    });
    h.scheduler.start();
    await h.clock.advance(3 * EVERY);
    expect(h.started.filter((s) => s.tenant === 'slow')).toHaveLength(1);
    expect(h.started.filter((s) => s.tenant === 'quick')).toHaveLength(3);
    expect(h.skipped.filter((s) => s.tenant === 'slow' && s.reason === 'busy')).toHaveLength(2);
    const slow = h.finished.filter((f) => f.tenant === 'slow');
    expect(slow).toHaveLength(1);
    expect(slow[0]?.runError).toMatch(/did not finish within 2m \(watch\.deadline\), so it was stopped/);
    expect(slow[0]?.durationMs).toBe(DEADLINE);
  });

  it('runs a Run-now only after the tenant’s scheduled run ends, and skips a tick that falls due meanwhile: runs never overlap', async () => {
    let release: (() => void) | undefined;
    const h = harness({
      tenants: ['contoso'],
      run: () =>
        new Promise<TenantRunOutcome>((resolve) => {
          release = () => resolve({ runId: 'r', results: [passing('contoso')] });
        }),
    });
    const events: string[] = [];
    const scheduled = h.scheduler.runCycle();
    await settleMicrotasks();
    expect(h.started).toHaveLength(1);
    const now = h.scheduler.exclusive('contoso', async () => {
      events.push('run-now');
    });
    await settleMicrotasks();
    expect(events).toEqual([]);
    release?.();
    await scheduled;
    await now;
    expect(events).toEqual(['run-now']);
    // While a Run-now holds the lane, a cycle skips the tenant as busy instead of running beside it.
    let finishNow: (() => void) | undefined;
    const holding = h.scheduler.exclusive('contoso', () => new Promise<void>((resolve) => (finishNow = resolve)));
    await settleMicrotasks();
    await h.scheduler.runCycle();
    expect(h.started).toHaveLength(1);
    expect(h.skipped).toEqual([{ tenant: 'contoso', reason: 'busy' }]);
    finishNow?.();
    await holding;
  });

  it('aborts a run at its deadline through its signal', async () => {
    let aborted = false;
    const h = harness({
      tenants: ['contoso'],
      run: (request) =>
        new Promise<TenantRunOutcome>((resolve) =>
          request.signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ runId: 'late', results: [] });
          }),
        ),
    });
    h.scheduler.start();
    await h.clock.advance(EVERY);
    expect(aborted).toBe(true);
    expect(h.finished).toHaveLength(1);
    expect(h.finished[0]?.runError).toMatch(/did not finish within 2m/);
    // It let go when aborted, so the next interval runs it again.
    await h.clock.advance(EVERY);
    expect(h.started).toHaveLength(2);
  });

  it('runs at most `concurrency` tenants at once, the rest in turn', async () => {
    const release: (() => void)[] = [];
    const h = harness({
      tenants: Array.from({ length: 10 }, (_, i) => `t${i}`),
      concurrency: 3,
      run: (request) =>
        new Promise<TenantRunOutcome>((resolve) =>
          release.push(() => resolve({ runId: request.tenant, results: [passing(request.tenant)] })),
        ),
    });
    const cycle = h.scheduler.runCycle();
    await settleMicrotasks();
    expect(h.started).toHaveLength(3);
    while (h.finished.length < 10) {
      release.shift()?.();
      await settleMicrotasks();
    }
    await cycle;
    expect(h.maxRunning()).toBe(3);
    expect(h.started).toHaveLength(10);
  });

  it('delays only the tenant a service throttled (429 Retry-After)', async () => {
    const h = harness({
      tenants: ['throttled', 'other'],
      run: async (request) => ({
        runId: request.tenant,
        results: [passing(request.tenant)],
        ...(request.tenant === 'throttled' ? { retryAfterMs: EVERY + 60_000 } : {}),
      }),
    });
    h.scheduler.start();
    await h.clock.advance(3 * EVERY);
    expect(h.started.filter((s) => s.tenant === 'other')).toHaveLength(3);
    // Asked to wait six minutes: its second tick is skipped, the third runs.
    expect(h.started.filter((s) => s.tenant === 'throttled').map((s) => s.cycle)).toEqual([1, 3]);
    expect(h.skipped).toEqual([{ tenant: 'throttled', reason: 'throttled' }]);
  });

  it('holds a paused tenant without running it', async () => {
    const clock = new ManualClock();
    const ran: string[] = [];
    const skipped: string[] = [];
    const scheduler = new WatchScheduler({
      tenants: ['paused', 'running'],
      everyMs: EVERY,
      deadlineMs: DEADLINE,
      concurrency: 4,
      clock,
      run: async (request) => {
        ran.push(request.tenant);
        return { runId: request.tenant, results: [] };
      },
      onFinished: () => {},
      onSkipped: (tenant, reason, detail) => skipped.push(`${tenant} ${reason} ${detail}`),
      holdReason: (tenant) => (tenant === 'paused' ? 'paused until 12:00: vendor work' : undefined),
    });
    await scheduler.runCycle();
    expect(ran).toEqual(['running']);
    expect(skipped).toEqual(['paused paused paused until 12:00: vendor work']);
  });
});
