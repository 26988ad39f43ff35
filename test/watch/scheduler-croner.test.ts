import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WatchScheduler } from '../../src/monitor/scheduler.js';
import { SystemClock } from '../../src/monitor/scheduler-clock.js';

describe('watch scheduler on croner (real time, every 1 s)', () => {
  it('runs each tenant once a second, skips a tick while a run is still going, and stops', async () => {
    const runs: { tenant: string; at: number }[] = [];
    const cycles: number[] = [];
    const skipped: string[] = [];
    const scheduler = new WatchScheduler({
      tenants: ['quick', 'slow'],
      everyMs: 1000,
      deadlineMs: 900,
      concurrency: 4,
      clock: new SystemClock(),
      run: async (request) => {
        runs.push({ tenant: request.tenant, at: Date.now() });
        // `slow` ignores its deadline for 1.5 s: the next tick comes while it still runs.
        if (request.tenant === 'slow') await sleep(1500);
        return { runId: request.tenant, results: [] };
      },
      onCycle: (cycle) => {
        cycles.push(cycle);
      },
      onFinished: () => {},
      onSkipped: (tenant, reason) => skipped.push(`${tenant}:${reason}`),
    });
    scheduler.start();
    await sleep(3600);
    await scheduler.stop(2000);
    const quick = runs.filter((r) => r.tenant === 'quick');
    const slow = runs.filter((r) => r.tenant === 'slow');
    expect(quick.length).toBeGreaterThanOrEqual(3);
    expect(slow.length).toBeLessThanOrEqual(2);
    expect(skipped).toContain('slow:busy');
    expect(cycles.slice(0, 3)).toEqual([1, 2, 3]);
    // Quick runs a second apart (croner's interval), never two in one second.
    for (let i = 1; i < quick.length; i++) expect((quick[i]?.at ?? 0) - (quick[i - 1]?.at ?? 0)).toBeGreaterThan(800);
    const after = runs.length;
    await sleep(1200);
    expect(runs.length).toBe(after);
  });
});
