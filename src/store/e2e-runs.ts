import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { E2eAdmission, E2eLimits, E2eRunLog, StoredE2eRun } from '../e2e/run-log.js';
import type { E2eResult } from '../e2e/types.js';

interface RunRow {
  id: string;
  state: StoredE2eRun['state'];
  started_at: number;
  finished_at: number | null;
  lease_until: number;
  owner_host: string;
  owner_pid: number;
  result: string | null;
}

/** The `e2e_runs` table for one tenant (migration 2). */
export class StoredE2eRuns implements E2eRunLog {
  readonly #db: Database.Database;
  readonly #tenant: string;

  constructor(db: Database.Database, tenant: string) {
    this.#db = db;
    this.#tenant = tenant;
  }

  admit(limits: E2eLimits, now: number): E2eAdmission {
    // BEGIN IMMEDIATE: the write lock is taken before reading, so two processes cannot both see "free".
    return this.#db
      .transaction((): E2eAdmission => {
        this.#expireClaims(now);
        const running = this.#db
          .prepare("SELECT * FROM e2e_runs WHERE tenant = ? AND state = 'running' ORDER BY started_at LIMIT 1")
          .get(this.#tenant) as RunRow | undefined;
        if (running) return { kind: 'join', runId: running.id, startedAt: running.started_at };
        const starts = this.#db
          .prepare('SELECT started_at, state FROM e2e_runs WHERE tenant = ? AND started_at > ? ORDER BY started_at')
          .all(this.#tenant, now - limits.windowMs) as Pick<RunRow, 'started_at' | 'state'>[];
        const last = this.last();
        // An abandoned run (its process died) counts for the window (it may have sent mail), not for the interval.
        const lastStart = starts.filter((s) => s.state !== 'abandoned').at(-1)?.started_at;
        if (lastStart !== undefined && now - lastStart < limits.minIntervalMs) {
          return {
            kind: 'wait',
            waitMs: limits.minIntervalMs - (now - lastStart),
            reason: `one test per ${Math.round(limits.minIntervalMs / 1000)} s`,
            ...(last ? { last } : {}),
          };
        }
        if (starts.length >= limits.maxRunsPerWindow) {
          return {
            kind: 'wait',
            waitMs: starts[0]!.started_at + limits.windowMs - now,
            reason: `at most ${limits.maxRunsPerWindow} tests per ${Math.round(limits.windowMs / 60_000)} min, below the ERP's loop protection (mail.gateway.loop.threshold)`,
            ...(last ? { last } : {}),
          };
        }
        const runId = randomUUID();
        this.#db
          .prepare(
            `INSERT INTO e2e_runs (id, tenant, state, started_at, lease_until, owner_host, owner_pid)
             VALUES (?, ?, 'running', ?, ?, ?, ?)`,
          )
          .run(runId, this.#tenant, now, now + limits.leaseMs, hostname(), process.pid);
        return { kind: 'run', runId };
      })
      .immediate();
  }

  renew(runId: string, leaseUntil: number): void {
    this.#db.prepare("UPDATE e2e_runs SET lease_until = ? WHERE id = ? AND state = 'running'").run(leaseUntil, runId);
  }

  finish(runId: string, result: E2eResult, now: number): void {
    this.#db
      .prepare("UPDATE e2e_runs SET state = 'finished', finished_at = ?, verdict = ?, result = ? WHERE id = ?")
      .run(now, result.verdict, JSON.stringify(result), runId);
  }

  abandon(runId: string, now: number): void {
    this.#db.prepare("UPDATE e2e_runs SET state = 'abandoned', finished_at = ? WHERE id = ? AND state = 'running'").run(now, runId);
  }

  run(runId: string, now: number): StoredE2eRun | undefined {
    const row = this.#db.prepare('SELECT * FROM e2e_runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) return undefined;
    return toRun(row.state === 'running' && !claimHolds(row, now) ? { ...row, state: 'abandoned' } : row);
  }

  last(): StoredE2eRun | undefined {
    const row = this.#db
      .prepare("SELECT * FROM e2e_runs WHERE tenant = ? AND state = 'finished' ORDER BY finished_at DESC LIMIT 1")
      .get(this.#tenant) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  /** A claim whose lease passed, or whose process on this host is gone (kill -9), is abandoned. */
  #expireClaims(now: number): void {
    const rows = this.#db.prepare("SELECT * FROM e2e_runs WHERE tenant = ? AND state = 'running'").all(this.#tenant) as RunRow[];
    for (const row of rows) if (!claimHolds(row, now)) this.abandon(row.id, now);
  }
}

function claimHolds(row: RunRow, now: number): boolean {
  if (row.lease_until < now) return false;
  return row.owner_host !== hostname() || processAlive(row.owner_pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toRun(row: RunRow): StoredE2eRun {
  return {
    id: row.id,
    state: row.state,
    startedAt: row.started_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.result ? { result: JSON.parse(row.result) as E2eResult } : {}),
  };
}
