import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chatLab } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import { waitFor } from '../chat/helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CHANNEL = 'C0LABALERT';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface OutboxRow {
  kind: string;
  attempts: number;
  sent_at: string | null;
}

function outbox(storePath: string): OutboxRow[] {
  if (!existsSync(storePath)) return [];
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT kind, attempts, sent_at FROM outbox ORDER BY id').all() as OutboxRow[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

/**
 * The real process (`mailsetup start` through tsx) watching the lab every 2 s with Slack in HTTP
 * mode. The root alert is refused once (429, Retry-After 8 s); SIGTERM comes while it waits. The
 * restarted bot posts it, once.
 */
describe('the watch across a SIGTERM', () => {
  let lab: Lab | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await lab?.stop();
    lab = undefined;
  });

  it('loses no alert: the root refused before SIGTERM stays in the outbox, and the restart posts it exactly once', async () => {
    lab = await startLab({ scenario: 'catchall-rule-disabled' });
    const chat = chatLab(lab.state)!;
    const dir = mkdtempSync(join(tmpdir(), 'mailsetup-watch-term-'));
    const storePath = join(dir, 'mailsetup.db');
    const config = {
      ...lab.config,
      slack: { ...chat.slackConfig('http'), port: undefined },
      store: { path: storePath },
      http: { host: '127.0.0.1', port: await freePort() },
      shutdown: { graceSeconds: 5 },
      watch: { every: '2s', e2eEvery: 'off' },
      alerts: { default: { slack: [CHANNEL] } },
      log: { level: 'info' },
    };
    const file = join(dir, 'mailsetup.yaml');
    writeFileSync(file, stringify(JSON.parse(JSON.stringify(config))));
    lab.inject({ service: 'slack', match: 'chat.postMessage', kind: 'status', status: 429, retryAfterSeconds: 8, times: 1 });
    const start = () => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', file], {
        cwd: ROOT,
        env: { ...process.env, MAILSETUP_CLI_ENTRY: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      const output = { stderr: '' };
      proc.stderr?.on('data', (d) => (output.stderr += String(d)));
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      return { proc, output, exited };
    };
    const rootsPosted = () => chat.slack.messages.filter((m) => m.channel === CHANNEL && !m.threadTs);

    const first = start();
    // The alert fired (2nd failing run) and its root was refused once: it waits for its Retry-After.
    await waitFor(
      () => outbox(storePath).some((r) => r.kind === 'root' && r.attempts === 1 && r.sent_at === null),
      40_000,
      'the refused root',
    );
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output.stderr).toContain('"msg":"watch stopped"');
    expect(rootsPosted()).toHaveLength(0);
    // Not lost: still in the store, unsent.
    expect(outbox(storePath).filter((r) => r.kind === 'root')).toEqual([expect.objectContaining({ attempts: 1, sent_at: null })]);

    const second = start();
    await waitFor(() => rootsPosted().length > 0, 30_000, 'the root after the restart');
    // A few more cycles: still one root (the alert is the same, already posted).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(rootsPosted()).toHaveLength(1);
    expect(rootsPosted()[0]?.text).toMatch(/catch-all rule/i);
    const roots = outbox(storePath).filter((r) => r.kind === 'root');
    expect(roots).toHaveLength(1);
    expect(roots[0]?.sent_at).not.toBeNull();
  }, 120_000);
});
