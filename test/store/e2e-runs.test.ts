import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { E2eLimits } from '../../src/e2e/run-log.js';
import type { E2eResult } from '../../src/e2e/types.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

const limits: E2eLimits = { minIntervalMs: 60_000, maxRunsPerWindow: 3, windowMs: 600_000, leaseMs: 15_000 };
const result = (verdict: E2eResult['verdict']) => ({ verdict, tokens: { sales: 'ms1', wrongAddress: 'ms2' } }) as E2eResult;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-e2e-runs-'));
  dirs.push(dir);
  return join(dir, 'mailsetup.db');
}

describe('end-to-end runs in the store (migration 2)', () => {
  it('upgrades a version-1 database in place, keeping its records', () => {
    const path = storePath();
    const v1 = Store.open(path, { migrations: MIGRATIONS.filter((m) => m.version === 1) });
    v1.set('watch', { every: 5 });
    v1.close();
    const store = Store.open(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.get('watch')).toEqual({ every: 5 });
    expect(store.e2eRuns('contoso').last()).toBeUndefined();
    store.close();
  });

  it('admits one run per interval and at most N per window, and keeps the last result', () => {
    const runs = Store.open(':memory:').e2eRuns('contoso');
    let now = 1_000_000;
    const first = runs.admit(limits, now);
    expect(first.kind).toBe('run');
    runs.finish((first as { runId: string }).runId, result('pass'), now + 1_500);
    now += 10_000;
    expect(runs.admit(limits, now)).toMatchObject({
      kind: 'wait',
      waitMs: 50_000,
      reason: 'one test per 60 s',
      last: { state: 'finished' },
    });
    expect(runs.last()?.result?.verdict).toBe('pass');
    for (let i = 0; i < 2; i++) {
      now += 60_000;
      const next = runs.admit(limits, now);
      expect(next.kind).toBe('run');
      runs.finish((next as { runId: string }).runId, result('fail'), now + 1_000);
    }
    now += 60_000;
    expect(runs.admit(limits, now)).toMatchObject({ kind: 'wait', reason: expect.stringContaining('at most 3 tests per 10 min') });
    expect(runs.last()?.result?.verdict).toBe('fail');
    now = 1_000_000 + 600_001;
    expect(runs.admit(limits, now).kind).toBe('run');
  });

  it('makes a second caller join the run in flight, across connections to one file', () => {
    const path = storePath();
    const a = Store.open(path).e2eRuns('contoso');
    const b = Store.open(path).e2eRuns('contoso');
    const first = a.admit(limits, 1_000);
    const second = b.admit(limits, 1_100);
    expect(first.kind).toBe('run');
    expect(second).toEqual({ kind: 'join', runId: (first as { runId: string }).runId, startedAt: 1_000 });
    // Another tenant on the same store is not held up.
    expect(Store.open(path).e2eRuns('fabrikam').admit(limits, 1_100).kind).toBe('run');
  });

  it('frees the tenant when the claim lapses without a heartbeat', () => {
    const runs = Store.open(':memory:').e2eRuns('contoso');
    const first = runs.admit(limits, 1_000) as { runId: string };
    runs.renew(first.runId, 1_000 + 30_000);
    expect(runs.admit(limits, 20_000).kind).toBe('join');
    expect(runs.run(first.runId, 31_001)?.state).toBe('abandoned');
    // An abandoned run counts for the window (it may have sent mail) but not for the interval.
    expect(runs.admit(limits, 31_001).kind).toBe('run');
  });

  it('frees the tenant at once when the process holding the claim is gone (kill -9)', () => {
    const path = storePath();
    Store.open(path).close();
    // A real process claims the run and dies without releasing it.
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const db=new D(${JSON.stringify(path)});` +
          `db.prepare("INSERT INTO e2e_runs (id,tenant,state,started_at,lease_until,owner_host,owner_pid) VALUES ('dead','contoso','running',?,?,?,?)").run(Date.now(),Date.now()+600000,require('os').hostname(),process.pid);` +
          'process.kill(process.pid,"SIGKILL")',
      ],
      { cwd: process.cwd() },
    );
    expect(child.signal).toBe('SIGKILL');
    const raw = new Database(path);
    expect(raw.prepare("SELECT state FROM e2e_runs WHERE id = 'dead'").get()).toEqual({ state: 'running' });
    raw.close();
    const runs = Store.open(path).e2eRuns('contoso');
    expect(runs.run('dead', Date.now())?.state).toBe('abandoned');
    expect(runs.admit(limits, Date.now()).kind).toBe('run');
  });
});
