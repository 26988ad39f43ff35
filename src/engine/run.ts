import { setMaxListeners } from 'node:events';
import type { Adapters } from '../adapters/index.js';
import type { MailsetupConfig, ServicesConfig, TenantConfig } from '../config/schema.js';
import { MailsetupError, toMailsetupError } from '../errors.js';
import type { CheckDefinition } from './check.js';
import type { FetchEvent } from './observer.js';
import { type CheckResult, type Report, summarize, type Verdict } from './result.js';
import type { FetchContext, Snapshot, SourceDef } from './source.js';

export type ProgressEvent =
  | { type: 'started'; tenant: string; checks: { id: string; title: string }[] }
  | { type: 'check'; result: CheckResult; done: number; total: number }
  | { type: 'done'; report: Report };

export interface RunOptions {
  /** The checks to report, in catalogue order. Their dependencies run too (not reported). */
  checks: readonly CheckDefinition[];
  /** The whole catalogue, to find dependencies by id. */
  catalogue: readonly CheckDefinition[];
  adapters: Adapters;
  tenant: TenantConfig;
  services: ServicesConfig;
  timeouts: MailsetupConfig['timeouts'];
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
  signal?: AbortSignal;
  /** Told of every outside read once it settles (metrics, logs). */
  onFetch?: (event: FetchEvent) => void;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: MailsetupError };

/**
 * Runs checks against one tenant. Each source is fetched at most once (memoised by key) with a
 * timeout; every check starts as soon as its dependencies have a result, so independent chains run
 * concurrently. A check whose dependency did not pass or warn is skipped without fetching anything,
 * so a down ERP gives one `error` and quick skips, not a timeout per check.
 */
export async function runChecks(options: RunOptions): Promise<Report> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const startedMs = performance.now();
  const byId = new Map(options.catalogue.map((c) => [c.meta.id, c]));
  const toRun = withDependencies(options.checks, byId);
  const reported = new Set(options.checks.map((c) => c.meta.id));
  const runAbort = new AbortController();
  // Every source fetch listens on the run's signal: a catalogue legitimately has dozens.
  setMaxListeners(200, runAbort.signal);
  const onOuterAbort = () => runAbort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // The run's deadline: every fetch still open is aborted and reported as a timeout.
  const deadline = setTimeout(() => runAbort.abort(new RunDeadline(options.timeouts.runMs)), options.timeouts.runMs);

  const fetches = new Map<string, Promise<Settled<unknown>>>();
  const fetchContext: FetchContext = {
    adapters: options.adapters,
    tenant: options.tenant,
    services: options.services,
    signal: runAbort.signal,
    now: started,
    get: async <T>(def: SourceDef<T>): Promise<T> => {
      const settled = await fetchOnce(def);
      if (!settled.ok) throw settled.error;
      return settled.value as T;
    },
  };

  function fetchOnce<T>(def: SourceDef<T>): Promise<Settled<T>> {
    let pending = fetches.get(def.key);
    if (!pending) {
      pending = withTimeout(def, fetchContext, def.timeoutMs ?? options.timeouts.fetchMs);
      if (options.onFetch) pending = reportFetch(def.key, pending, options.onFetch);
      fetches.set(def.key, pending);
    }
    return pending as Promise<Settled<T>>;
  }

  options.onProgress?.({
    type: 'started',
    tenant: options.tenant.name,
    checks: options.checks.map((c) => ({ id: c.meta.id, title: c.meta.title })),
  });

  const results = new Map<string, Promise<CheckResult>>();
  let done = 0;
  const runOne = (check: CheckDefinition): Promise<CheckResult> => {
    let pending = results.get(check.meta.id);
    if (pending) return pending;
    pending = (async () => {
      const checkStart = performance.now();
      const verdict = await evaluate(check);
      const result = toResult(check, verdict, options.tenant.name, performance.now() - checkStart);
      if (reported.has(check.meta.id)) {
        done += 1;
        options.onProgress?.({ type: 'check', result, done, total: reported.size });
      }
      return result;
    })();
    results.set(check.meta.id, pending);
    return pending;
  };

  async function evaluate(check: CheckDefinition): Promise<Verdict> {
    for (const depId of check.meta.dependsOn) {
      const dep = byId.get(depId);
      if (!dep) continue;
      const depResult = await runOne(dep);
      if (depResult.status === 'skip' && depResult.skipReason === 'not-configured') {
        return { status: 'skip', skipReason: 'not-configured', detail: depResult.detail, observed: { dependency: depId } };
      }
      if (depResult.status !== 'pass' && depResult.status !== 'warn') {
        return {
          status: 'skip',
          skipReason: 'dependency-failed',
          detail: `Skipped: ${dep.meta.title} (${depId}) is ${depResult.status}, so this cannot be checked.`,
          observed: { dependency: depId, dependencyStatus: depResult.status },
        };
      }
    }
    const values = new Map<string, Settled<unknown>>();
    await Promise.all(
      check.meta.sources.map(async (def) => {
        values.set(def.key, await fetchOnce(def));
      }),
    );
    const snapshot: Snapshot = {
      get<T>(def: SourceDef<T>): T {
        const settled = values.get(def.key);
        if (!settled) throw new MailsetupError('Internal', `check ${check.meta.id} read ${def.key} without declaring it`);
        if (!settled.ok) throw settled.error;
        return settled.value as T;
      },
      tryGet<T>(def: SourceDef<T>): T | undefined {
        const settled = values.get(def.key);
        return settled?.ok ? (settled.value as T) : undefined;
      },
    };
    try {
      return check.run(snapshot, { tenant: options.tenant, services: options.services, now: started });
    } catch (error) {
      return errorVerdict(toMailsetupError(error, check.meta.id));
    }
  }

  try {
    const ordered = await Promise.all(toRun.map(runOne));
    const checks = ordered.filter((r) => reported.has(r.id));
    const report: Report = {
      tenant: options.tenant.name,
      domain: options.tenant.domain,
      startedAt: started.toISOString(),
      durationMs: Math.round(performance.now() - startedMs),
      checks,
      summary: summarize(checks),
    };
    options.onProgress?.({ type: 'done', report });
    return report;
  } finally {
    clearTimeout(deadline);
    runAbort.abort();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Dependencies first, then the checks themselves; each once, catalogue order kept where possible. */
function withDependencies(checks: readonly CheckDefinition[], byId: Map<string, CheckDefinition>): CheckDefinition[] {
  const seen = new Set<string>();
  const out: CheckDefinition[] = [];
  const visit = (c: CheckDefinition) => {
    if (seen.has(c.meta.id)) return;
    seen.add(c.meta.id);
    for (const dep of c.meta.dependsOn) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    out.push(c);
  };
  for (const c of checks) visit(c);
  return out;
}

/** The reason the run's signal carries when its deadline (`timeouts.runMs`) passes. */
class RunDeadline {
  constructor(readonly runMs: number) {}
}

async function withTimeout<T>(def: SourceDef<T>, ctx: FetchContext, timeoutMs: number): Promise<Settled<T>> {
  const abort = new AbortController();
  let reject: (error: MailsetupError) => void = () => {};
  const timeout = new Promise<never>((_, r) => {
    reject = r;
  });
  const giveUp = (within: string) => {
    abort.abort();
    reject(
      new MailsetupError('AdapterTimeout', `No answer from ${def.label} within ${within}.`, {
        hint: 'The service may be down or unreachable from the bot; try again, and check the address in the config.',
        source: def.key,
      }),
    );
  };
  const timer = setTimeout(() => giveUp(`${seconds(timeoutMs)} s`), timeoutMs);
  // At the run's deadline a fetch is not waited for, even when its adapter ignores the signal.
  const onParentAbort = () => {
    const reason: unknown = ctx.signal.reason;
    if (reason instanceof RunDeadline) giveUp(`the run's deadline of ${seconds(reason.runMs)} s`);
    else abort.abort();
  };
  if (ctx.signal.aborted) onParentAbort();
  else ctx.signal.addEventListener('abort', onParentAbort, { once: true });
  try {
    const value = await Promise.race([def.fetch({ ...ctx, signal: abort.signal }), timeout]);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toMailsetupError(error, def.label) };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onParentAbort);
  }
}

/** Tells the observer how a fetch settled; an observer that throws never changes the run. */
function reportFetch<T>(source: string, pending: Promise<Settled<T>>, onFetch: (event: FetchEvent) => void): Promise<Settled<T>> {
  const started = performance.now();
  return pending.then((settled) => {
    try {
      onFetch({ source, durationMs: performance.now() - started, ...(settled.ok ? {} : { errorCode: settled.error.code }) });
    } catch {
      // Metrics and logs must not fail a check.
    }
    return settled;
  });
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/**
 * A coded error as a verdict: `error` (the bot could not tell), never `fail`; a source that is not
 * configured (`NotConfigured`) makes its checks `skip` / `not-configured`.
 */
export function errorVerdict(error: MailsetupError): Verdict {
  if (error.code === 'NotConfigured') {
    return { status: 'skip', skipReason: 'not-configured', detail: error.userMessage, observed: { errorCode: error.code } };
  }
  return {
    status: 'error',
    skipReason: error.code === 'InsufficientPermission' ? 'insufficient-permission' : undefined,
    detail: error.userMessage,
    observed: { errorCode: error.code, ...(error.source ? { source: error.source } : {}), ...(error.details ?? {}) },
  };
}

function toResult(check: CheckDefinition, verdict: Verdict, tenant: string, durationMs: number): CheckResult {
  return {
    id: check.meta.id,
    title: check.meta.title,
    area: check.meta.area,
    severity: check.meta.severity,
    fixable: check.meta.fixable,
    tenant,
    ...verdict,
    observed: verdict.observed ?? {},
    expected: verdict.expected ?? {},
    durationMs: Math.round(durationMs),
  };
}
