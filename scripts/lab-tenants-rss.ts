/**
 * What a lab of N tenants costs: start time and RSS at rest, then one `status` per tenant through
 * the real adapters (C at a time, bot and lab in this one process) with its wall time, peak RSS and
 * the requests each tenant's status makes per lab service.
 * Usage: node --expose-gc --import tsx scripts/lab-tenants-rss.ts [N=50] [C=16]
 */
import pino from 'pino';
import { startLab } from '../lab/index.js';
import { CATALOGUE } from '../src/checks/registry.js';
import { runReport } from '../src/commands/run-report.js';
import { parseConfig } from '../src/config/load.js';
import { createCore } from '../src/core.js';

const n = Number(process.argv[2] ?? 50);
const concurrency = Number(process.argv[3] ?? 16);
const mb = (bytes: number) => Math.round(bytes / 1e6);
const baseRss = process.memoryUsage().rss;
const t0 = performance.now();
const lab = await startLab({ tenants: n });
const startMs = Math.round(performance.now() - t0);
globalThis.gc?.();
const restRss = process.memoryUsage().rss;
const config = parseConfig(lab.config, { env: {} });
config.timeouts.fetchMs = 20_000;
const core = createCore({ config, logger: pino({ level: 'silent' }), catalogue: CATALOGUE });
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
let next = 0;
const failing: string[] = [];
const t1 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const tenant = config.tenants[next++]!;
      const { report } = await runReport({ core, actor: { platform: 'cli', userId: 'rss' } }, tenant, CATALOGUE);
      const bad = report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);
      if (bad.length > 0) failing.push(`${tenant.name}: ${bad.join(', ')}`);
    }
  }),
);
const cycleMs = Math.round(performance.now() - t1);
clearInterval(sampler);
const perService: Record<string, number> = {};
for (const r of lab.requests) perService[r.service] = (perService[r.service] ?? 0) + 1 / n;
console.log(
  JSON.stringify({
    tenants: n,
    concurrency,
    startMs,
    rssMB: { base: mb(baseRss), labAtRest: mb(restRss), peakDuringCycle: mb(peak) },
    cycleMs,
    requestsPerTenant: Object.fromEntries(Object.entries(perService).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    failing: failing.length,
    firstFailing: failing.slice(0, 3),
  }),
);
await lab.stop();
