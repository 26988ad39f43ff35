import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Lab, startLab } from '../../lab/index.js';
import type { E2eResult } from '../../src/e2e/types.js';

let lab: Lab;
let dir: string;
let configFile: string;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy' });
  dir = mkdtempSync(join(tmpdir(), 'mailsetup-parallel-'));
  configFile = join(dir, 'mailsetup.yaml');
  writeFileSync(configFile, stringify({ ...lab.config, store: { path: join(dir, 'mailsetup.db') } }));
});
afterAll(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], onSpawn?: (pid: number) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Its own process group, so the whole npx → tsx → node tree can be killed at once.
    const child = spawn('npx', ['tsx', 'src/cli.ts', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, NO_COLOR: '1' },
      detached: true,
    });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('test-email from CLI processes sharing one store', () => {
  it('sends one test; the other four show that run’s result and say why they sent nothing', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => cli(['test-email', '--config', configFile, '--json'])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const results = runs.map((r) => JSON.parse(r.stdout) as E2eResult);

    // One run sent mail: the lab's MX delivered its two test mails (to erp@) and the ERP's error notice
    // (to the probe mailbox), nothing more. Each delivery takes a UID, which deleting does not give back.
    const delivered = Object.values(lab.state.mail.mailboxes).reduce((n, box) => n + box.uidnext - 1, 0);
    expect(delivered).toBe(3);
    expect(new Set(results.map((r) => r.tokens.sales)).size).toBe(1);
    expect(results.filter((r) => r.shared === undefined)).toHaveLength(1);
    for (const r of results.filter((x) => x.shared)) {
      expect(r.verdict).toBe('pass');
      expect(r.shared?.detail).toMatch(/^No new test mail: (a test for contoso was already running|the last test for contoso finished)/);
    }
  }, 90_000);

  it('a run killed with SIGKILL holds nothing: the next test-email runs its own test', async () => {
    const db = new Database(join(dir, 'mailsetup.db'));
    // Past the one-test-per-minute limit of the run above.
    db.prepare('UPDATE e2e_runs SET started_at = started_at - 120000, finished_at = finished_at - 120000').run();
    let group = 0;
    const killed = cli(['test-email', '--config', configFile, '--json'], (pid) => {
      group = pid;
    });
    const claimed = () => db.prepare("SELECT id FROM e2e_runs WHERE state = 'running'").get() as { id: string } | undefined;
    const deadline = Date.now() + 60_000;
    while (!claimed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const claim = claimed();
    expect(claim, 'the first process claimed the run').toBeDefined();
    process.kill(-group, 'SIGKILL');
    expect((await killed).code).toBeNull();

    const next = await cli(['test-email', '--config', configFile, '--json']);
    expect(next.code, next.stderr).toBe(0);
    const result = JSON.parse(next.stdout) as E2eResult;
    expect(result.shared).toBeUndefined();
    expect(result.verdict).toBe('pass');
    expect(db.prepare('SELECT state FROM e2e_runs WHERE id = ?').get(claim!.id)).toEqual({ state: 'abandoned' });
    db.close();
  }, 120_000);
});
