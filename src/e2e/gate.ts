import { MailsetupError } from '../errors.js';
import type { E2eOptions, E2eResult } from './types.js';

/**
 * Per tenant: the run in flight, when runs started, and the last result. Keyed by the tenant's
 * adapter set (one per tenant per running bot), so test-email and the mailflow-e2e check share it
 * and separate bots (or tests) do not.
 */
interface TenantRuns {
  inFlight?: Promise<E2eResult>;
  starts: number[];
  last?: E2eResult;
  lastAt?: number;
}

const runs = new WeakMap<object, TenantRuns>();

export type Admission =
  | { kind: 'run' }
  | { kind: 'join'; run: Promise<E2eResult> }
  | { kind: 'wait'; waitMs: number; reason: string; last?: E2eResult; lastAt?: number };

export function admit(key: object, options: E2eOptions, now: number): Admission {
  const state = stateOf(key);
  if (state.inFlight) return { kind: 'join', run: state.inFlight };
  const recent = state.starts.filter((t) => now - t < options.windowMs);
  state.starts = recent;
  const lastStart = recent.at(-1);
  if (lastStart !== undefined && now - lastStart < options.minIntervalMs) {
    return {
      kind: 'wait',
      waitMs: options.minIntervalMs - (now - lastStart),
      reason: `one test per ${Math.round(options.minIntervalMs / 1000)} s`,
      last: state.last,
      lastAt: state.lastAt,
    };
  }
  if (recent.length >= options.maxRunsPerWindow) {
    return {
      kind: 'wait',
      waitMs: recent[0]! + options.windowMs - now,
      reason: `at most ${options.maxRunsPerWindow} tests per ${Math.round(options.windowMs / 60_000)} min, below the ERP's loop protection (mail.gateway.loop.threshold)`,
      last: state.last,
      lastAt: state.lastAt,
    };
  }
  return { kind: 'run' };
}

/** Registers a started run; its result becomes `last` when it settles. */
export function track(key: object, now: number, run: Promise<E2eResult>, clock: () => number): Promise<E2eResult> {
  const state = stateOf(key);
  state.starts.push(now);
  state.inFlight = run;
  return run
    .then((result) => {
      state.last = result;
      state.lastAt = clock();
      return result;
    })
    .finally(() => {
      state.inFlight = undefined;
    });
}

/** The last finished run of this tenant, if any. */
export function lastRun(key: object): { result: E2eResult; at: number } | undefined {
  const state = runs.get(key);
  return state?.last && state.lastAt !== undefined ? { result: state.last, at: state.lastAt } : undefined;
}

/** The "wait N s" answer. */
export class E2eRateLimited extends MailsetupError {
  readonly waitMs: number;
  readonly last?: E2eResult;
  readonly lastAt?: number;
  constructor(tenant: string, admission: Extract<Admission, { kind: 'wait' }>) {
    const seconds = Math.max(1, Math.ceil(admission.waitMs / 1000));
    super('AdapterThrottled', `test-email ran for ${tenant} a moment ago; wait ${seconds} s before the next one (${admission.reason}).`, {
      hint: admission.last
        ? `The last run ${admission.last.verdict === 'pass' ? 'passed' : `ended at: ${admission.last.failedHop?.name}`}.`
        : undefined,
      source: 'e2e',
      details: { waitSeconds: seconds },
    });
    this.waitMs = admission.waitMs;
    this.last = admission.last;
    this.lastAt = admission.lastAt;
  }
}

function stateOf(key: object): TenantRuns {
  let state = runs.get(key);
  if (!state) {
    state = { starts: [] };
    runs.set(key, state);
  }
  return state;
}
