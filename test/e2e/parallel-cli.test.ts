import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'src/cli.ts', ...args], { cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1' } });
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

describe('test-email from five CLI processes at once, on one store', () => {
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
});
