import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';
import { setUpWatch } from '../../src/monitor/watcher-setup.js';
import { BotService } from '../../src/service/bot-service.js';
import { Metrics } from '../../src/service/metrics.js';
import { Store } from '../../src/store/store.js';
import { ManualClock } from './manual-clock.js';
import { RecordingBook } from './recording-book.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function watchLab(scenario: string, start = Date.now()) {
  lab = await startLab({ scenario });
  const config = parseConfig({ ...lab.config, watch: { every: '5m' } }, { env: {} });
  const store = Store.open(':memory:');
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const core = { ...createCore({ config, logger, store }), audit: store.audit };
  const clock = new ManualClock(start);
  const service = new BotService({
    http: { host: '127.0.0.1', port: 0 },
    graceSeconds: 1,
    logger,
    metrics: new Metrics({ processMetrics: false }),
  });
  const book = new RecordingBook();
  const { watcher, control } = setUpWatch({ core, store, logger, clock, service, book });
  return { watcher, control, clock, book, logs, service, store, core };
}

describe('the watcher against the lab (injected clock)', () => {
  it('catch-all rule disabled: one observation per interval with the failing rule, the end-to-end test once after the first run, a JSON line per run', async () => {
    const w = await watchLab('catchall-rule-disabled');
    w.watcher.start();
    await w.clock.advance(15 * 60_000, { settleEach: true });
    expect(w.book.ticks).toHaveLength(3);
    expect(w.book.observations.map((o) => o.cycle)).toEqual([1, 2, 3]);
    const [first, second, third] = w.book.observations;
    expect(first?.tenant).toBe('contoso');
    expect(first?.runError).toBeUndefined();
    expect(first?.results.find((r) => r.id === 'exchange-catchall-rule')?.status).toBe('fail');
    // No test mail before the first run: the end-to-end test follows it, and the second run reads it.
    expect(first?.results.find((r) => r.id === 'mailflow-e2e')?.status).toBe('skip');
    const e2e = second?.results.find((r) => r.id === 'mailflow-e2e');
    expect(e2e?.status).toBe('fail');
    expect(e2e?.cause?.checkId).toBe('exchange-catchall-rule');
    // Watched checks only: nothing the catalogue marks unwatched.
    expect(first?.results.map((r) => r.id)).not.toContain('dns-spf');
    // Not due again within e2eEvery: the third run reads the same stored result.
    expect(third?.results.find((r) => r.id === 'mailflow-e2e')?.observed.finishedAt).toBe(e2e?.observed.finishedAt);
    expect(w.logs.filter((l) => l.event === 'watch-e2e')).toEqual([expect.objectContaining({ verdict: 'fail', tenant: 'contoso' })]);
    const runs = w.logs.filter((l) => l.event === 'watch-run');
    expect(runs).toHaveLength(3);
    expect(runs[0]).toMatchObject({
      tenant: 'contoso',
      counts: expect.objectContaining({ fail: expect.any(Number) }),
      runId: expect.any(String),
    });
    const metrics = await w.service.metrics.text();
    expect(metrics).toMatch(/mailsetup_run_duration_seconds_count\{kind="watch"\} 3/);
    // The heartbeat ticked with each cycle: the lag gauge is set (the manual clock is exactly on time).
    expect(metrics).toMatch(/mailsetup_scheduler_lag_seconds 0\n/);
    // `watch` shows the last run and the next one.
    const [row] = w.control.tenants();
    expect(row?.last?.failing).toContain('exchange-catchall-rule');
    expect(row?.nextRunAt?.getTime()).toBeGreaterThan(w.clock.now().getTime());
    await w.watcher.stop();
  });

  it('the running watch says in the store which process it is, at each cycle, and clears it at stop', async () => {
    const w = await watchLab('healthy');
    const startedAt = w.clock.now().getTime();
    w.watcher.start();
    expect(w.store.get('watch-runner')).toMatchObject({ pid: process.pid, everyMs: 5 * 60_000, at: new Date(startedAt).toISOString() });
    await w.clock.advance(5 * 60_000, { settleEach: true });
    // Said again at the cycle (its tenant's slot in the interval).
    const at = Date.parse((w.store.get('watch-runner') as { at: string }).at);
    expect(at).toBeGreaterThan(startedAt);
    expect(at).toBeLessThanOrEqual(w.clock.now().getTime());
    await w.watcher.stop();
    expect(w.store.get('watch-runner')).toBeUndefined();
  });

  it('a paused tenant is not run, and runs again after resume', async () => {
    const w = await watchLab('healthy');
    w.control.pauses.pause('contoso', 60 * 60_000, 'vendor changing IPs', { platform: 'cli', userId: 'ana' });
    await w.watcher.runCycle();
    expect(w.book.observations).toHaveLength(0);
    expect(w.store.audit.list({ tenant: 'contoso' })[0]).toMatchObject({
      event: 'watch-paused',
      details: { reason: 'vendor changing IPs' },
    });
    w.control.pauses.resume('contoso', { platform: 'cli', userId: 'ana' });
    await w.watcher.runCycle();
    expect(w.book.observations).toHaveLength(1);
    expect(w.book.observations[0]?.results.every((r) => r.status !== 'fail' && r.status !== 'error')).toBe(true);
    await w.watcher.stop();
  });

  it("the watch verb reads times against the watch's clock, not the machine's", async () => {
    // A day far from the machine's: a time is given its date only when it is not the clock's day.
    const w = await watchLab('healthy', Date.parse('2030-01-01T10:00:00Z'));
    const ctx = { core: { ...w.core, watch: w.control }, actor: { platform: 'cli' as const, userId: 'ana' } };
    const paused = await handleCommand('watch pause contoso 1h vendor changing IPs', ctx);
    expect(paused.summary).toBe('The watch of contoso is paused for 1h, until 11:00:00 UTC: vendor changing IPs');
    const late = await handleCommand('watch pause contoso 20h vendor changing IPs', ctx);
    expect(late.summary).toContain('until 2 Jan 06:00:00 UTC');
    await w.watcher.stop();
  });
});
