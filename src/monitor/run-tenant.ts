import { randomUUID } from 'node:crypto';
import { retryAfterMs } from '../adapters/microsoft/throttle.js';
import type { Core } from '../commands/context.js';
import type { TenantConfig } from '../config/schema.js';
import { E2eRateLimited } from '../e2e/gate.js';
import { runEndToEnd } from '../e2e/run.js';
import type { E2eResult } from '../e2e/types.js';
import type { CheckDefinition } from '../engine/check.js';
import type { FetchEvent } from '../engine/observer.js';
import type { CheckResult, Report } from '../engine/result.js';
import { runChecks } from '../engine/run.js';
import type { TenantRunOutcome } from './scheduler.js';

/** Whether this run is followed by the end-to-end test, or why not. */
export type E2eDecision = 'due' | 'not-due' | 'off' | 'not-configured' | 'held';

export interface TenantWatchRun extends TenantRunOutcome {
  report: Report;
  e2e: E2eDecision;
}

export interface TenantWatchRunInput {
  core: Core;
  tenant: TenantConfig;
  /** The watched checks (`meta.watched`), mailflow-e2e among them (it reads the last end-to-end result). */
  checks: readonly CheckDefinition[];
  /** The run's deadline (and the watch stopping). */
  signal: AbortSignal;
  /** The watch stopping only: the end-to-end test is bounded by its own delivery timeout. */
  stopSignal?: AbortSignal;
  /** How often the end-to-end test (real mail) runs; null: never. */
  e2eEveryMs: number | null;
  now?: () => Date;
  onFetch?: (event: FetchEvent) => void;
  /** Told of the end-to-end result (or `rate-limited`: another run was recent). */
  onE2e?: (result: E2eResult | 'rate-limited' | Error) => void;
  runId?: string;
}

/** Checks whose failure makes a test mail pointless (it could not be fetched or read). */
const E2E_PREREQUISITES = ['erp-reachable', 'mailflow-imap-login'];

/**
 * One tenant's watch run: the watched checks, then — when due, and when the ERP and the catch-all
 * mailbox answered — the end-to-end test, as the run's `after` (the tenant's next run waits for it;
 * the `mailflow-e2e` check reads its result from the store then). `status` sends no mail; only this
 * and `test-email` do, through the same gate (one at a time, rate-limited, across processes).
 */
export async function runTenantWatch(input: TenantWatchRunInput): Promise<TenantWatchRun> {
  const { core, tenant, signal } = input;
  const now = input.now ?? (() => new Date());
  const runId = input.runId ?? randomUUID();
  const adapters = core.adapters(tenant);
  const report = await runChecks({
    checks: input.checks,
    catalogue: core.catalogue,
    adapters,
    tenant,
    services: core.config.services,
    timeouts: core.config.timeouts,
    signal,
    now,
    ...(input.onFetch ? { onFetch: input.onFetch } : {}),
  });
  const e2e = decideE2e(input, report.checks, now());
  const retry = throttledFor(report.checks);
  const after = async () => {
    try {
      const result = await runEndToEnd({ adapters, tenant, ...(input.stopSignal ? { signal: input.stopSignal } : {}) });
      input.onE2e?.(result);
    } catch (error) {
      input.onE2e?.(error instanceof E2eRateLimited ? 'rate-limited' : error instanceof Error ? error : new Error(String(error)));
    }
  };
  return {
    runId,
    results: report.checks,
    report,
    e2e,
    ...(retry ? { retryAfterMs: retry } : {}),
    ...(e2e === 'due' ? { after } : {}),
  };
}

function decideE2e(input: TenantWatchRunInput, results: readonly CheckResult[], at: Date): E2eDecision {
  if (input.e2eEveryMs === null) return 'off';
  if (!input.tenant.probe?.outsideSender) return 'not-configured';
  const last = input.core.adapters(input.tenant).e2eRuns.last();
  if (last?.finishedAt !== undefined && at.getTime() - last.finishedAt < input.e2eEveryMs) return 'not-due';
  const blocked = results.some((r) => E2E_PREREQUISITES.includes(r.id) && r.status !== 'pass' && r.status !== 'warn');
  return blocked ? 'held' : 'due';
}

/** The longest wait a service asked of this tenant (429 Retry-After), if any. */
function throttledFor(results: readonly CheckResult[]): number | undefined {
  let longest: number | undefined;
  for (const r of results) {
    if (r.observed.errorCode !== 'AdapterThrottled') continue;
    const header = r.observed.retryAfter;
    const ms = typeof header === 'string' || typeof header === 'number' ? retryAfterMs(String(header)) : undefined;
    if (ms !== undefined && (longest === undefined || ms > longest)) longest = ms;
  }
  return longest;
}
