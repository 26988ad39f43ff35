import { MailsetupError } from '../errors.js';
import { formatAge } from './hop.js';
import { sleep } from './poll.js';
import type { E2eAdmission, E2eLimits, E2eRunLog, StoredE2eRun } from './run-log.js';
import type { E2eOptions, E2eResult } from './types.js';

/** A claim lives this long without a heartbeat, so a killed run frees its tenant (same host: at once). */
export const CLAIM_LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;
/** How often a request waiting for another's run looks at the store. */
const JOIN_POLL_MS = 150;

export interface GateInput {
  runs: E2eRunLog;
  tenant: string;
  options: E2eOptions;
  clock: () => number;
  signal?: AbortSignal;
}

/**
 * Admits one run per tenant across every process on the store: runs `execute` when admitted; else
 * waits for the run in flight and returns its result, or returns the last result inside the rate
 * limit (both marked `shared`). Throws `E2eRateLimited` only when there is no result to show.
 */
export async function throughGate(input: GateInput, execute: () => Promise<E2eResult>): Promise<E2eResult> {
  const limits: E2eLimits = {
    minIntervalMs: input.options.minIntervalMs,
    maxRunsPerWindow: input.options.maxRunsPerWindow,
    windowMs: input.options.windowMs,
    leaseMs: CLAIM_LEASE_MS,
  };
  // A run we joined may die without a result; then we ask again (it no longer holds the tenant).
  for (;;) {
    const admission = input.runs.admit(limits, input.clock());
    if (admission.kind === 'run') return runClaimed(input, admission.runId, execute);
    if (admission.kind === 'wait') {
      const last = admission.last?.result;
      if (!last) throw new E2eRateLimited(input.tenant, admission);
      const ago = formatAge(input.clock() - (admission.last?.finishedAt ?? input.clock()));
      return {
        ...last,
        shared: {
          reason: 'rate-limited',
          detail: `No new test mail: the last test for ${input.tenant} finished ${ago} and the limit is ${admission.reason}; this is its result. The next test can run in ${seconds(admission.waitMs)} s.`,
        },
      };
    }
    const joined = await waitForRun(input, admission);
    if (joined?.result) {
      return {
        ...joined.result,
        shared: {
          reason: 'in-flight',
          detail: `No new test mail: a test for ${input.tenant} was already running (started ${formatAge(input.clock() - admission.startedAt)}); this is its result.`,
        },
      };
    }
  }
}

async function runClaimed(input: GateInput, runId: string, execute: () => Promise<E2eResult>): Promise<E2eResult> {
  const heartbeat = setInterval(() => input.runs.renew(runId, input.clock() + CLAIM_LEASE_MS), HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const result = await execute();
    input.runs.finish(runId, result, input.clock());
    return result;
  } catch (error) {
    input.runs.abandon(runId, input.clock());
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

async function waitForRun(input: GateInput, admission: Extract<E2eAdmission, { kind: 'join' }>): Promise<StoredE2eRun | undefined> {
  for (;;) {
    const run = input.runs.run(admission.runId, input.clock());
    if (run?.state !== 'running') return run;
    await sleep(JOIN_POLL_MS, input.signal);
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The "wait N s" answer, when there is no earlier result to show instead. */
export class E2eRateLimited extends MailsetupError {
  readonly waitMs: number;
  constructor(tenant: string, admission: Extract<E2eAdmission, { kind: 'wait' }>) {
    const wait = seconds(admission.waitMs);
    super('AdapterThrottled', `test-email ran for ${tenant} a moment ago; wait ${wait} s before the next one (${admission.reason}).`, {
      hint: 'The earlier test ended without a result (its process stopped); the next one can run after the wait.',
      source: 'e2e',
      details: { waitSeconds: wait },
    });
    this.waitMs = admission.waitMs;
  }
}
