import pino from 'pino';
import type { Fault } from '../lab/faults.js';
import { startLab } from '../lab/index.js';
import { CATALOGUE } from '../src/checks/registry.js';
import { runReport } from '../src/commands/run-report.js';
import { parseConfig } from '../src/config/load.js';
import { createCore } from '../src/core.js';
import type { CheckDefinition } from '../src/engine/check.js';

/**
 * DESIGN §10: `status` over the whole catalogue finishes within 1.2× its longest dependency chain,
 * each outside resource fetched once per run. Every lab service answers after the same latency, so
 * a serial engine would take the sum of all fetches; a concurrent one, the slowest chain.
 * The baseline (same run, same lab): each check run alone with its dependencies; the slowest of
 * those is the longest chain.
 */
export interface StatusConcurrencyResult {
  latencyMs: number;
  statusMs: number;
  longestChainMs: number;
  longestChain: string;
  ratio: number;
  maxFetchesOfOneResource: number;
  checks: number;
}

const SERVICES = ['erp', 'token', 'graph', 'exchange', 'dns', 'mx', 'imap'] as const;

export async function measureStatusConcurrency(latencyMs = 40, repeats = 3): Promise<StatusConcurrencyResult> {
  const faults: Fault[] = SERVICES.map((service) => ({ service, kind: 'latency', ms: latencyMs }));
  const lab = await startLab({ scenario: 'healthy', faults });
  // mailflow-e2e sends real mail and is rate-limited; its own budget is measured by test-email.
  const catalogue = CATALOGUE.filter((c) => c.meta.id !== 'mailflow-e2e');
  try {
    const config = parseConfig(lab.config, { env: {} });
    const logger = pino({ level: 'silent' });
    const run = async (checks: readonly CheckDefinition[]) => {
      // A fresh core per run: no token or session carried over from a previous run.
      const core = createCore({ config, logger, catalogue });
      const started = performance.now();
      const { report } = await runReport({ core, actor: { platform: 'cli', userId: 'bench' } }, config.tenants[0]!, checks);
      return { ms: performance.now() - started, report };
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

    const statusTimes: number[] = [];
    let maxFetches = 0;
    for (let i = 0; i < repeats; i++) {
      const before = lab.requests.length;
      statusTimes.push((await run(catalogue)).ms);
      const counts = new Map<string, number>();
      for (const r of lab.requests.slice(before)) {
        // Mail sessions (SMTP/IMAP) are conversations of many commands; count HTTP/DNS calls.
        if (r.service === 'mx' || r.service === 'imap') continue;
        const key = `${r.service} ${r.key}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      maxFetches = Math.max(maxFetches, ...counts.values());
    }
    let longest = { id: '', ms: 0 };
    for (const check of catalogue) {
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) times.push((await run([check])).ms);
      const ms = median(times);
      if (ms > longest.ms) longest = { id: check.meta.id, ms };
    }
    const statusMs = median(statusTimes);
    return {
      latencyMs,
      statusMs: Math.round(statusMs),
      longestChainMs: Math.round(longest.ms),
      longestChain: longest.id,
      ratio: Math.round((statusMs / longest.ms) * 100) / 100,
      maxFetchesOfOneResource: maxFetches,
      checks: catalogue.length,
    };
  } finally {
    await lab.stop();
  }
}
