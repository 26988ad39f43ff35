import type { Adapters } from '../adapters/index.js';
import type { TenantConfig } from '../config/schema.js';
import { type E2eRun, newRun } from './context.js';
import { throughGate } from './gate.js';
import { type HopDef, runHop, skipped } from './hop.js';
import { cleanup, HOPS } from './hops/index.js';
import { DEFAULT_E2E_OPTIONS, type E2eHop, type E2eOptions, type E2eResult } from './types.js';

export interface E2eInput {
  adapters: Adapters;
  tenant: TenantConfig;
  options?: Partial<E2eOptions>;
  signal?: AbortSignal;
  /** Called with the hops so far after each hop (progress messages). */
  onProgress?: (hops: readonly E2eHop[]) => void;
  now?: () => number;
}

/**
 * Runs the end-to-end test (DESIGN §5) for one tenant through its gate: one run at a time across
 * every process on the store, within the rate limit. A request that may not start one gets the run
 * in flight's result, or the last one (marked `shared`); `E2eRateLimited` when there is none.
 */
export async function runEndToEnd(input: E2eInput): Promise<E2eResult> {
  const configured = input.tenant.probe?.deliveryTimeoutSeconds;
  const options = { ...DEFAULT_E2E_OPTIONS, ...(configured ? { deliveryTimeoutMs: configured * 1000 } : {}), ...input.options };
  return throughGate(
    {
      runs: input.adapters.e2eRuns,
      tenant: input.tenant.name,
      options,
      clock: input.now ?? Date.now,
      ...(input.signal ? { signal: input.signal } : {}),
    },
    () => executeEndToEnd(input, options),
  );
}

/** The test itself, without the gate. Never throws for an outside failure: that is a hop's `error`. */
export async function executeEndToEnd(input: E2eInput, options: E2eOptions): Promise<E2eResult> {
  const run = newRun({ adapters: input.adapters, tenant: input.tenant, options, ...(input.signal ? { signal: input.signal } : {}) });
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const hops: E2eHop[] = [];
  const add = (hop: E2eHop) => {
    hops.push(hop);
    input.onProgress?.([...hops]);
  };
  try {
    for (const def of HOPS) {
      const blocker = blockerOf(def, hops);
      add(blocker ? skipped(def.id, def.title(run), notReached(def, blocker)) : await runHop(def.id, def.title(run), () => def.run(run)));
    }
  } finally {
    if (run.found.sent.sales || run.found.sent.wrong) add(await runHop(cleanup.id, cleanup.title(run), () => cleanup.run(run)));
  }
  return result(run, hops, startedAt, Math.round(performance.now() - started));
}

/** The first hop this one needs that did not pass. */
function blockerOf(def: HopDef, hops: readonly E2eHop[]): E2eHop | undefined {
  for (const id of def.needs ?? []) {
    const hop = hops.find((h) => h.id === id);
    if (hop && hop.status !== 'pass') return hop;
  }
  return undefined;
}

function notReached(def: HopDef, blocker: E2eHop): string {
  return def.notReached?.(blocker) ?? `Not reached: "${blocker.name}" did not pass.`;
}

function result(run: E2eRun, hops: E2eHop[], startedAt: string, durationMs: number): E2eResult {
  const failed = hops.find((h) => h.id !== cleanup.id && (h.status === 'fail' || h.status === 'error'));
  return {
    tenant: run.tenant.name,
    startedAt,
    verdict: failed ? (failed.status as 'fail' | 'error') : 'pass',
    durationMs,
    hops,
    ...(failed ? { failedHop: { id: failed.id, name: failed.name } } : {}),
    ...(failed?.cause ? { cause: failed.cause } : {}),
    tokens: run.tokens,
    ...(run.found.lead ? { lead: run.found.lead } : {}),
  };
}
