// The bot side of the watch-cycle bench, run by `watch-cycle.ts` as its own process with plain
// `node` over the compiled dist/ — what production runs. Under tsx the same code holds ~40 MB
// more (transformed sources and their source maps), which is the test runner's, not the bot's.
// Plain JavaScript because it must not go through tsx; it only drives the compiled modules.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { parseConfig } from '../dist/src/config/load.js';
import { createCore } from '../dist/src/core.js';
import { runTenantWatch } from '../dist/src/monitor/run-tenant.js';
import { setUpWatch } from '../dist/src/monitor/watcher-setup.js';
import { tuneHeapForService } from '../dist/src/service/heap.js';
import { Store } from '../dist/src/store/store.js';

/** Asks the parent (which owns the lab) to do something between phases, and waits for it. */
let nextId = 1;
const waiting = new Map();
process.on('message', (message) => {
  waiting.get(message.id)?.(message);
  waiting.delete(message.id);
});
const ask = (phase, extra = {}) =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    process.send({ id, phase, ...extra });
  });

// As `mailsetup start` and `watch` do.
tuneHeapForService();

// The lab's config for 500 tenants is larger than a command line may be: it comes over IPC.
const { labConfig, concurrency, aloneSample } = await ask('config');

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
// A store file, as a service has: an in-memory database would hold every page in RSS.
const storeDir = mkdtempSync(join(tmpdir(), 'mailsetup-bench-'));
const store = Store.open(join(storeDir, 'store.db'));
const config = parseConfig({ ...labConfig, watch: { every: '5m', e2eEvery: 'off', concurrency } }, { env: {} });
const logger = pino({ level: 'silent' });
const core = createCore({ config, logger, store });
const { watcher } = setUpWatch({ core, store, logger, dryRun: true });

// Cycle 1 is cold (sign-ins, TLS sessions, modules); the steady state is what a service lives in.
let started = performance.now();
await watcher.runCycle();
const coldCycleMs = performance.now() - started;

await ask('warm-start');
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
started = performance.now();
await watcher.runCycle();
const cycleMs = performance.now() - started;
lag.disable();
const durations = Object.fromEntries(config.tenants.map((t) => [t.name, watcher.scheduler.lastRun(t.name)?.durationMs ?? 0]));
await ask('warm-end');

// Each tenant's own run, alone (a sample: every lab tenant runs the same scenario).
const checks = core.catalogue.filter((c) => c.meta.watched);
let slowestAloneMs = 0;
for (const tenant of config.tenants.slice(0, aloneSample)) {
  const t = performance.now();
  await runTenantWatch({ core, tenant, checks, signal: new AbortController().signal, e2eEveryMs: null });
  slowestAloneMs = Math.max(slowestAloneMs, performance.now() - t);
}
await watcher.stop();
clearInterval(sampler);
store.close();
rmSync(storeDir, { recursive: true, force: true });
await ask('result', {
  result: {
    coldCycleMs,
    cycleMs,
    slowestAloneMs,
    durations,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    loopLagP99Ms: Math.round(lag.percentile(99) / 1e6),
  },
});
process.disconnect();
