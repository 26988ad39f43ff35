import { randomUUID } from 'node:crypto';
import { retryAfterMs } from '../adapters/microsoft/throttle.js';
import type { Core } from '../commands/context.js';
import type { TenantConfig } from '../config/schema.js';
import { E2eRateLimited } from '../e2e/gate.js';
import { runEndToEnd } from '../e2e/run.js';
import type { CheckDefinition } from '../engine/check.js';
import type { FetchEvent } from '../engine/observer.js';
import type { CheckResult, Report } from '../engine/result.js';
import { runChecks } from '../engine/run.js';
import type { TenantRunOutcome } from './scheduler.js';

/** What the end-to-end step of a watch run did. */
export type E2eStep = 'ran' | 'not-due' | 'off' | 'not-configured' | 'held' | 'rate-limited' | 'failed';

export interface TenantWatchRun extends TenantRunOutcome {
  report?: Report;
  e2e: E2eStep;
}

export interface TenantWatchRunInput {
  core: Core;
  tenant: TenantConfig;
  /** The watched checks (`meta.watched`), mailflow-e2e among them (it reads the last end-to-end result). */
  checks: readonly CheckDefinition[];
  signal: AbortSignal;
  /** How often the end-to-end test (real mail) runs; null: never. */
  e2eEveryMs: number | null;
  /** The tenant's previous watch results: no test mail while the ERP or the catch-all mailbox could not be reached. */
  previous?: readonly CheckResult[];
  now?: () => Date;
  onFetch?: (event: FetchEvent) => void;
  runId?: string;
}

/** Checks whose failure makes a test mail pointless (it could not be fetched or read). */
const E2E_PREREQUISITES = ['erp-reachable', 'mailflow-imap-login'];

/**
 * One tenant's watch run: the end-to-end test first when it is due (so the `mailflow-e2e` check
 * reads a fresh result, and the two never overlap), then the watched checks. `status` sends no
 * mail; only this and `test-email` do, through the same gate (one at a time, rate-limited).
 */
export async function runTenantWatch(input: TenantWatchRunInput): Promise<TenantWatchRun> {
  const { core, tenant, signal } = input;
  const now = input.now ?? (() => new Date());
  const runId = input.runId ?? randomUUID();
  const adapters = core.adapters(tenant);
  const e2e = await endToEndStep(input, now());
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
  const retry = throttledFor(report.checks);
  return { runId, results: report.checks, report, e2e, ...(retry ? { retryAfterMs: retry } : {}) };

  async function endToEndStep(run: TenantWatchRunInput, at: Date): Promise<E2eStep> {
    if (run.e2eEveryMs === null) return 'off';
    if (!tenant.probe?.outsideSender) return 'not-configured';
    const last = adapters.e2eRuns.last();
    if (last?.finishedAt !== undefined && at.getTime() - last.finishedAt < run.e2eEveryMs) return 'not-due';
    const blocked = run.previous?.some((r) => E2E_PREREQUISITES.includes(r.id) && r.status !== 'pass' && r.status !== 'warn');
    if (blocked) return 'held';
    try {
      await runEndToEnd({ adapters, tenant, signal });
      return 'ran';
    } catch (error) {
      // Another request's run, or the rate limit: the check reads the last result either way.
      return error instanceof E2eRateLimited ? 'rate-limited' : 'failed';
    }
  }
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
