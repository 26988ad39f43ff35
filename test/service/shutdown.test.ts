import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chatLab, postSlashCommand } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import { waitFor } from '../chat/helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;

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

/**
 * The real process: `mailsetup start` (through tsx) with Slack in HTTP mode on the HTTP listener,
 * a store file on disk, and SIGTERM while a command is in flight.
 */
describe('SIGTERM', () => {
  let lab: Lab | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await lab?.stop();
    lab = undefined;
    child = undefined;
  });

  async function startBot(options: { graceSeconds: number; erpLatencyMs: number; erpSlowCalls?: number; logLevel?: string }) {
    lab = await startLab({ scenario: 'healthy' });
    const chat = chatLab(lab.state)!;
    const dir = mkdtempSync(join(tmpdir(), 'mailsetup-shutdown-'));
    const storePath = join(dir, 'mailsetup.db');
    const port = await freePort();
    const config = {
      ...lab.config,
      slack: { ...chat.slackConfig('http'), port: undefined },
      store: { path: storePath },
      http: { host: '127.0.0.1', port },
      shutdown: { graceSeconds: options.graceSeconds },
      log: { level: options.logLevel ?? 'info' },
    };
    writeFileSync(join(dir, 'mailsetup.yaml'), stringify(JSON.parse(JSON.stringify(config))));
    // The ERP answers late (its first call, or every call): the status command is still running when SIGTERM comes.
    lab.inject({ service: 'erp', kind: 'latency', ms: options.erpLatencyMs, times: options.erpSlowCalls });
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', join(dir, 'mailsetup.yaml')], {
      cwd: ROOT,
      env: { ...process.env, MAILSETUP_CLI_ENTRY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const output = { stdout: '', stderr: '' };
    proc.stdout?.on('data', (d) => (output.stdout += String(d)));
    proc.stderr?.on('data', (d) => (output.stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    await poll(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000, 'the HTTP listener');
    return { base, chat, storePath, output, exited, proc };
  }

  async function poll<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  function lastSlackText(chat: NonNullable<ReturnType<typeof chatLab>>): string[] {
    return chat.slack.calls
      .filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage')
      .map((c) => String(c.args.text ?? ''));
  }

  it('lets the running command finish within the grace period, then exits 0 with the store checkpointed and closed', async () => {
    const { base, chat, storePath, output, exited, proc } = await startBot({ graceSeconds: 20, erpLatencyMs: 2500, erpSlowCalls: 1 });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await postSlashCommand(`${base}/slack/events`, chat.slack, { text: 'status' })).status).toBe(200);
    await waitFor(
      () => output.stderr.includes('"msg":"HTTP listener started"') && chat.slack.calls.length > 0,
      10_000,
      'the command to start',
    );
    proc.kill('SIGTERM');
    // Readiness fails at once, while the command is still running.
    const draining = await poll(
      async () => {
        const res = await fetch(`${base}/readyz`).catch(() => undefined);
        return res?.status === 503 ? ((await res.json()) as { reasons: string[] }) : undefined;
      },
      5000,
      'readiness to fail',
    );
    expect(draining.reasons).toEqual(['shutting down']);
    // A command that arrives now is refused with a sentence.
    expect((await postSlashCommand(`${base}/slack/events`, chat.slack, { text: 'explain dns-mx' })).status).toBe(200);

    expect(await exited).toBe(0);
    const texts = lastSlackText(chat);
    expect(texts.some((t) => /^All \d+ checks pass|^\d+ passing|passing/.test(t) && !/^Checking/.test(t))).toBe(true);
    expect(texts).toContain('mailsetup is restarting or shutting down and takes no new commands now; ask again in a minute.');
    // Closed cleanly: the WAL was checkpointed into the database and removed.
    expect(existsSync(`${storePath}-wal`)).toBe(false);
    const db = new Database(storePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const records = output.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.verb === 'status')).toMatchObject({ outcome: 'ok', tenant: 'contoso' });
    expect(records.find((r) => r.msg === 'commands in flight at shutdown')).toMatchObject({ finished: 1, aborted: 0 });
  }, 60_000);

  it('aborts a command still running at shutdown.graceSeconds and answers it with a sentence, then exits 0', async () => {
    const { base, chat, storePath, output, exited, proc } = await startBot({ graceSeconds: 1, erpLatencyMs: 15_000 });
    expect((await postSlashCommand(`${base}/slack/events`, chat.slack, { text: 'status' })).status).toBe(200);
    await waitFor(() => chat.slack.calls.length > 0, 10_000, 'the command to start');
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lastSlackText(chat).at(-1)).toBe(
      'mailsetup shut down before this command finished, so it was stopped; nothing was changed. Ask again in a minute.',
    );
    expect(existsSync(`${storePath}-wal`)).toBe(false);
    expect(output.stderr).toContain('"aborted":1');
  }, 60_000);

  it('honours log.level: at warn, no command lines, and still a clean exit', async () => {
    const { base, chat, output, exited, proc } = await startBot({ graceSeconds: 5, erpLatencyMs: 1, logLevel: 'warn' });
    expect((await postSlashCommand(`${base}/slack/events`, chat.slack, { text: 'explain dns-mx' })).status).toBe(200);
    await waitFor(() => chat.slack.calls.some((c) => c.method === 'chat.postMessage' || c.method === 'chat.update'), 10_000, 'the reply');
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.stderr).not.toContain('"verb":"explain"');
    expect(output.stderr).not.toContain('"level":30');
  }, 60_000);
});
