import type { E2eResult } from './types.js';

/**
 * Where end-to-end runs are recorded, shared by every process on one store (CLI runs, the bot): the
 * admission of a new run (at most one in flight per tenant, and the rate limit), the claim's lease,
 * and each run's result. A port: the SQLite store implements it (`Store.e2eRuns`).
 */
export interface E2eRunLog {
  /** Decides, atomically across processes, whether a new run may start now; if so, claims it. */
  admit(limits: E2eLimits, now: number): E2eAdmission;
  /** Extends a running run's claim (its heartbeat). */
  renew(runId: string, leaseUntil: number): void;
  /** Records the run's result and releases the claim. */
  finish(runId: string, result: E2eResult, now: number): void;
  /** Releases the claim of a run that ended without a result. */
  abandon(runId: string, now: number): void;
  /** One run, as others see it: a claim whose lease passed (or whose process is gone) reads `abandoned`. */
  run(runId: string, now: number): StoredE2eRun | undefined;
  /** The newest finished run. */
  last(): StoredE2eRun | undefined;
}

export interface E2eLimits {
  /** At most one start per this many ms. */
  minIntervalMs: number;
  /** And at most this many starts per `windowMs` (the ERP's mail loop protection). */
  maxRunsPerWindow: number;
  windowMs: number;
  /** How long a claim holds without a heartbeat. */
  leaseMs: number;
}

export interface StoredE2eRun {
  id: string;
  state: 'running' | 'finished' | 'abandoned';
  startedAt: number;
  finishedAt?: number;
  result?: E2eResult;
}

export type E2eAdmission =
  | { kind: 'run'; runId: string }
  /** Another run of this tenant is in flight (this or another process): wait for its result. */
  | { kind: 'join'; runId: string; startedAt: number }
  | { kind: 'wait'; waitMs: number; reason: string; last?: StoredE2eRun };
