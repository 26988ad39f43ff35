import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Fault } from '../lab/faults.js';
import { startChildLab } from './lab-child.js';

/**
 * Issue 11: one watch cycle over many lab tenants with the same latency on every outside call,
 * against each tenant's own run alone. Issue 12 (at 500 tenants): the cycle against the interval,
 * outside calls per resource, peak RSS, event-loop lag, and one tenant answering 429 delayed alone.
 *
 * Three processes, as in production: the lab (`lab-process.ts`: Microsoft, the ERP and the mail
 * servers are other machines), the bot (`watch-bot.mjs`: compiled dist/ under plain node, whose RSS
 * is the one reported), and this one, which owns the lab and reads its request log between phases.
 */
export interface WatchCycleResult {
  tenants: number;
  concurrency: number;
  latencyMs: number;
  coldCycleMs: number;
  cycleMs: number;
  slowestAloneMs: number;
  /** Each tenant's own run inside the cycle: median and slowest (longer than alone = contention). */
  inCycle: { medianMs: number; maxMs: number };
  /** cycleMs ÷ slowestAloneMs. With more tenants than `concurrency` it cannot go below `waves`. */
  ratio: number;
  /** ceil(tenants ÷ concurrency): how many tenant runs one slot must do back to back. */
  waves: number;
  /** cycleMs ÷ (waves × slowestAloneMs): 1.0 when running side by side costs nothing. */
  ratioPerWave: number;
  /** Outside calls per tenant per cycle ÷ the distinct resources it read (1.0: each read once). */
  callsPerResource: number;
  peakRssMb: number;
  loopLagP99Ms: number;
  /** The tenant whose Graph answered 429 (Retry-After 2 s): its run, and the others' median. */
  throttled?: { tenantMs: number; othersMedianMs: number; othersMaxMs: number; callsPerResource: number };
}

const SERVICES = ['erp', 'token', 'graph', 'exchange', 'dns', 'mx', 'imap'] as const;

interface BotResult {
  coldCycleMs: number;
  cycleMs: number;
  slowestAloneMs: number;
  durations: Record<string, number>;
  peakRssMb: number;
  loopLagP99Ms: number;
}

export async function measureWatchCycle(
  options: { tenants?: number; latencyMs?: number; concurrency?: number; aloneSample?: number; throttleOne?: boolean } = {},
): Promise<WatchCycleResult> {
  const tenants = options.tenants ?? 50;
  const latencyMs = options.latencyMs ?? 40;
  const concurrency = options.concurrency ?? 16;
  const botScript = fileURLToPath(new URL('./watch-bot.mjs', import.meta.url));
  if (!existsSync(fileURLToPath(new URL('../dist/src/core.js', import.meta.url)))) {
    throw new Error('The watch bench runs the compiled bot: run `npm run build` first (`npm run bench` does).');
  }
  const faults: Fault[] = SERVICES.map((service) => ({ service, kind: 'latency', ms: latencyMs }));
  const lab = await startChildLab({ scenario: 'healthy', tenants, faults });
  try {
    const names = lab.config.tenants.map((t) => String(t.name));
    const throttledTenant = options.throttleOne ? names[Math.floor(tenants / 2)] : undefined;
    let before = 0;
    let warmRequests: Awaited<ReturnType<typeof lab.since>> = [];
    const bot = fork(botScript, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const result = await new Promise<BotResult>((resolve, reject) => {
      bot.once('exit', (code) => reject(new Error(`The bench's bot process exited (${code}) before its result.`)));
      bot.on('message', async (message: { id: number; phase: string; result?: BotResult }) => {
        try {
          if (message.phase === 'config') {
            bot.send({ id: message.id, labConfig: lab.config, concurrency, aloneSample: options.aloneSample ?? 8 });
            return;
          }
          if (message.phase === 'warm-start') {
            if (throttledTenant) {
              await lab.inject({ service: 'graph', tenant: throttledTenant, kind: 'status', status: 429, retryAfterSeconds: 2, times: 1 });
            }
            before = await lab.mark();
          } else if (message.phase === 'warm-end') {
            warmRequests = await lab.since(before);
          } else if (message.phase === 'result' && message.result) {
            resolve(message.result);
          }
          bot.send({ id: message.id });
        } catch (error) {
          reject(error as Error);
        }
      });
    });

    // Calls per tenant ÷ distinct resources (HTTP/DNS; mail sessions are conversations of many commands).
    const perTenant = new Map<string, { calls: number; keys: Set<string> }>();
    // The throttled tenant sends its 429'd call again after the wait: counted apart, below.
    for (const r of warmRequests) {
      if (!r.tenant || r.service === 'mx' || r.service === 'imap') continue;
      const entry = perTenant.get(r.tenant) ?? { calls: 0, keys: new Set<string>() };
      entry.calls += 1;
      entry.keys.add(`${r.service} ${r.key}`);
      perTenant.set(r.tenant, entry);
    }
    const ratioOf = (e: { calls: number; keys: Set<string> }) => e.calls / e.keys.size;
    const ratios = [...perTenant.entries()].filter(([name]) => name !== throttledTenant).map(([, e]) => ratioOf(e));
    const callsPerResource = ratios.length ? Math.max(...ratios) : 0;
    const throttledEntry = throttledTenant ? perTenant.get(throttledTenant) : undefined;

    const durations = new Map(Object.entries(result.durations));
    let throttled: WatchCycleResult['throttled'];
    if (throttledTenant) {
      const others = [...durations.entries()].filter(([name]) => name !== throttledTenant).map(([, ms]) => ms);
      others.sort((a, b) => a - b);
      throttled = {
        tenantMs: Math.round(durations.get(throttledTenant) ?? 0),
        othersMedianMs: Math.round(others[Math.floor(others.length / 2)] ?? 0),
        othersMaxMs: Math.round(others.at(-1) ?? 0),
        callsPerResource: throttledEntry ? round2(ratioOf(throttledEntry)) : 0,
      };
    }
    const waves = Math.ceil(tenants / concurrency);
    return {
      tenants,
      concurrency,
      latencyMs,
      coldCycleMs: Math.round(result.coldCycleMs),
      cycleMs: Math.round(result.cycleMs),
      slowestAloneMs: Math.round(result.slowestAloneMs),
      inCycle: spread([...durations.values()]),
      ratio: round2(result.cycleMs / result.slowestAloneMs),
      waves,
      ratioPerWave: round2(result.cycleMs / (waves * result.slowestAloneMs)),
      callsPerResource: round2(callsPerResource),
      peakRssMb: result.peakRssMb,
      loopLagP99Ms: result.loopLagP99Ms,
      ...(throttled ? { throttled } : {}),
    };
  } finally {
    await lab.stop();
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function spread(values: number[]): { medianMs: number; maxMs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0), maxMs: Math.round(sorted.at(-1) ?? 0) };
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const tenants = Number(process.argv[2] ?? 50);
  console.log(JSON.stringify(await measureWatchCycle({ tenants, throttleOne: tenants >= 100 })));
}
