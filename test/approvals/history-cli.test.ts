import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { Store } from '../../src/store/store.js';
import { spawnCli, writeConfigFile } from '../lab-e2e/io.js';
import { ADA, approvalsOnLab, BOB, planIdOf } from './lab-approvals.js';

interface Exported {
  id: number;
  at: string;
  event: string;
  tenant: string;
  checkId?: string;
  planId?: string;
  actor?: { platform: string; userId: string; displayName?: string };
  details: Record<string, unknown>;
}

/**
 * `mailsetup history` as a real process on the bot's host, reading the store a bot wrote: one fix
 * flow for contoso (a refused self-approval, an approval, apply, verify) and a refused command
 * about fabrikam.
 */
describe('mailsetup history (CLI)', () => {
  let lab: Lab;
  let dir: string;
  let configPath: string;
  let planId: string;
  let secrets: string[];

  beforeAll(async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    dir = mkdtempSync(join(tmpdir(), 'mailsetup-history-'));
    const storePath = join(dir, 'mailsetup.db');
    const store = Store.open(storePath);
    const { ask, approvals } = approvalsOnLab(lab, { store });
    planId = planIdOf(await ask('fix exchange-catchall-mailbox'));
    approvals.decide(planId, 'approve', ADA);
    await approvals.decide(planId, 'approve', BOB).done;
    store.audit.append({
      event: 'refused',
      tenant: 'fabrikam',
      actor: ADA,
      details: { command: 'status', channel: 'C0LABOPS01', reason: 'this channel sees contoso only' },
    });
    store.close();
    const [contoso] = lab.config.tenants as Record<string, unknown>[];
    configPath = writeConfigFile({
      ...lab.config,
      tenants: [contoso, { ...contoso, name: 'fabrikam', domain: 'fabrikam.test' }],
      store: { path: storePath },
    });
    secrets = [lab.state.tenant.clientSecret, lab.state.erp.bot.password, lab.state.erp.bot.apiKey];
  }, 90_000);
  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function history(args: string[]) {
    const cli = spawnCli(['history', ...args, '--config', configPath]);
    const exit = await cli.exited;
    for (const secret of secrets) expect(cli.stdout() + cli.stderr()).not.toContain(secret);
    return { code: exit.code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  it('--json: every tenant’s entries as one array, newest first, with actor, plan, check and details', async () => {
    const run = await history(['--json']);
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as Exported[];
    expect(entries.map((e) => `${e.tenant} ${e.event}`)).toEqual([
      'fabrikam refused',
      'contoso verified',
      'contoso applied',
      'contoso applying',
      'contoso approved',
      'contoso refused',
      'contoso requested',
    ]);
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(entries.map((e) => e.at)).toEqual(
      entries
        .map((e) => e.at)
        .sort()
        .reverse(),
    );
    const approved = entries.find((e) => e.event === 'approved');
    expect(approved).toMatchObject({
      checkId: 'exchange-catchall-mailbox',
      planId,
      actor: { platform: 'slack', userId: 'U0LABBOB01', displayName: 'bob' },
      details: { approvals: 1, required: 1 },
    });
    expect(entries.find((e) => e.event === 'requested')?.details.calls).toEqual([
      expect.objectContaining({ service: 'exchange', cmdlet: 'Set-CASMailbox' }),
    ]);
    expect(entries.find((e) => e.event === 'verified')?.details).toMatchObject({ status: 'pass' });
  }, 90_000);

  it('--jsonl with a tenant and --limit: one JSON object per line, nothing else on stdout', async () => {
    const run = await history(['contoso', '--jsonl', '--limit', '3']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.at(-1)).toBe('');
    const entries = lines.slice(0, -1).map((l) => JSON.parse(l) as Exported);
    expect(entries.map((e) => e.event)).toEqual(['verified', 'applied', 'applying']);
    expect(entries.every((e) => e.tenant === 'contoso' && e.planId === planId)).toBe(true);
  }, 90_000);

  it('as text: a summary line, then one line per entry, newest first', async () => {
    const run = await history(['--tenant', 'contoso']);
    expect(run.code).toBe(0);
    const [summary, ...lines] = run.stdout.trimEnd().split('\n');
    expect(summary).toBe('The last 6 audit entries for contoso, newest first');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^\S+Z {2}verified {4}exchange-catchall-mailbox {2}p-\S+ {2}the bot — pass: /);
    expect(lines[4]).toContain('refused     exchange-catchall-mailbox');
    expect(lines[4]).toContain('ada (slack) — you asked for this fix, so another approver has to approve it');
    expect(lines[5]).toMatch(/requested +exchange-catchall-mailbox {2}p-\S+ {2}ada \(slack\)$/);
  }, 90_000);

  it('bad usage exits 2 with a sentence', async () => {
    const zero = await history(['--limit', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--limit must be a whole number from 1 to 500.');
    const both = await history(['--json', '--jsonl']);
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout)).toMatchObject({ error: { code: 'UsageError', message: 'Give --json or --jsonl, not both.' } });
    const unknown = await history(['northwind', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.message).toContain('northwind');
  }, 90_000);
});
