import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import type { Fault } from '../lab/faults.js';
import { startLab } from '../lab/index.js';
import { parseConfig } from '../src/config/load.js';
import { createCore } from '../src/core.js';
import { runTenantWatch } from '../src/monitor/run-tenant.js';
import { setUpWatch } from '../src/monitor/watcher-setup.js';
import { Store } from '../src/store/store.js';

/**
 * Issue 11: one watch cycle over many lab tenants with the same latency on every outside call,
 * against each tenant's own run alone (ideal ratio 1.0). Issue 12 (at 500 tenants): the cycle
 * against the interval, outside calls per resource, peak RSS, event-loop lag, and one tenant
 * answering 429 delayed alone. The lab runs in this process too: its CPU counts against the bot's.
 */
export interface WatchCycleResult {
  tenants: number;
  concurrency: number;
  latencyMs: number;
  coldCycleMs: number;
  cycleMs: number;
  slowestAloneMs: number;
  ratio: number;
  /** Outside calls per tenant per cycle ÷ the distinct resources it read (1.0: each read once). */
  callsPerResource: number;
  peakRssMb: number;
  loopLagP99Ms: number;
  /** The tenant whose Graph answered 429 (Retry-After 2 s): its run, and the others' median. */
  throttled?: { tenantMs: number; othersMedianMs: number; othersMaxMs: number };
}

const SERVICES = ['erp', 'token', 'graph', 'exchange', 'dns', 'mx', 'imap'] as const;

export async function measureWatchCycle(
  options: { tenants?: number; latencyMs?: number; concurrency?: number; aloneSample?: number; throttleOne?: boolean } = {},
): Promise<WatchCycleResult> {
  const tenants = options.tenants ?? 50;
  const latencyMs = options.latencyMs ?? 40;
  const concurrency = options.concurrency ?? 16;
  const faults: Fault[] = SERVICES.map((service) => ({ service, kind: 'latency', ms: latencyMs }));
  const lab = await startLab({ scenario: 'healthy', tenants, faults });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const store = Store.open(':memory:');
  try {
    const config = parseConfig({ ...lab.config, watch: { every: '5m', e2eEvery: 'off', concurrency } }, { env: {} });
    const logger = pino({ level: 'silent' });
    const core = createCore({ config, logger, store });
    const { watcher } = setUpWatch({ core, store, logger, dryRun: true });
    // Cycle 1 is cold (sign-ins, TLS sessions, modules); the steady state is what a service lives in.
    let started = performance.now();
    await watcher.runCycle();
    const coldCycleMs = performance.now() - started;

    const throttledTenant = options.throttleOne ? config.tenants[Math.floor(tenants / 2)]?.name : undefined;
    if (throttledTenant) {
      lab.inject({ service: 'graph', tenant: throttledTenant, kind: 'status', status: 429, retryAfterSeconds: 2, times: 1 });
    }
    const before = lab.requests.length;
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    started = performance.now();
    await watcher.runCycle();
    const cycleMs = performance.now() - started;
    lag.disable();
    const durations = new Map(config.tenants.map((t) => [t.name, watcher.scheduler.lastRun(t.name)?.durationMs ?? 0]));

    // Calls per tenant ÷ distinct resources (HTTP/DNS; mail sessions are conversations of many commands).
    const perTenant = new Map<string, { calls: number; keys: Set<string> }>();
    for (const r of lab.requests.slice(before)) {
      if (!r.tenant || r.service === 'mx' || r.service === 'imap') continue;
      const entry = perTenant.get(r.tenant) ?? { calls: 0, keys: new Set<string>() };
      entry.calls += 1;
      entry.keys.add(`${r.service} ${r.key}`);
      perTenant.set(r.tenant, entry);
    }
    const ratios = [...perTenant.values()].map((e) => e.calls / e.keys.size);
    const callsPerResource = ratios.length ? Math.max(...ratios) : 0;

    // Each tenant's own run, alone (a sample: every lab tenant runs the same scenario).
    const checks = core.catalogue.filter((c) => c.meta.watched);
    let slowestAloneMs = 0;
    for (const tenant of config.tenants.slice(0, options.aloneSample ?? 8)) {
      const t = performance.now();
      await runTenantWatch({ core, tenant, checks, signal: new AbortController().signal, e2eEveryMs: null });
      slowestAloneMs = Math.max(slowestAloneMs, performance.now() - t);
    }
    await watcher.stop();

    let throttled: WatchCycleResult['throttled'];
    if (throttledTenant) {
      const others = [...durations.entries()].filter(([name]) => name !== throttledTenant).map(([, ms]) => ms);
      others.sort((a, b) => a - b);
      throttled = {
        tenantMs: durations.get(throttledTenant) ?? 0,
        othersMedianMs: others[Math.floor(others.length / 2)] ?? 0,
        othersMaxMs: others.at(-1) ?? 0,
      };
    }
    return {
      tenants,
      concurrency,
      latencyMs,
      coldCycleMs: Math.round(coldCycleMs),
      cycleMs: Math.round(cycleMs),
      slowestAloneMs: Math.round(slowestAloneMs),
      ratio: Math.round((cycleMs / slowestAloneMs) * 100) / 100,
      callsPerResource: Math.round(callsPerResource * 100) / 100,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      loopLagP99Ms: Math.round(lag.percentile(99) / 1e6),
      ...(throttled ? { throttled } : {}),
    };
  } finally {
    clearInterval(sampler);
    store.close();
    await lab.stop();
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const tenants = Number(process.argv[2] ?? 50);
  console.log(JSON.stringify(await measureWatchCycle({ tenants, throttleOne: tenants >= 100 })));
}
