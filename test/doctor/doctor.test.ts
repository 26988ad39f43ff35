import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chatLab } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import type { Finding } from '../../src/doctor/finding.js';
import { runCli } from '../lab-e2e/io.js';

/** `mailsetup doctor` against the lab: what an admin sees after writing the config. */
describe('mailsetup doctor', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });

  /** The lab's config with Slack, edited, written to a file; doctor run on it with --json. */
  // biome-ignore lint/suspicious/noExplicitAny: the YAML-shaped lab config is edited freely here
  async function doctor(scenario: string, edit: (config: Record<string, any>) => void = () => {}) {
    lab = await startLab({ scenario });
    const chat = chatLab(lab.state)!;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const config = structuredClone({ ...lab.config, slack: chat.slackConfig('socket') }) as Record<string, any>;
    edit(config);
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    const file = join(dir, 'mailsetup.yaml');
    writeFileSync(file, stringify({ ...config, store: { path: join(dir, 'mailsetup.db') } }));
    const run = await runCli(['doctor', '--config', file, '--json']);
    const body = JSON.parse(run.stdout) as { ok: boolean; findings: Finding[] };
    const byId = (id: string) => body.findings.find((f) => f.id === id || f.id.startsWith(`${id}:`));
    return { run, body, byId, chat };
  }

  it('passes every item on a healthy lab, each with a sentence', async () => {
    const { run, body, byId } = await doctor('healthy');
    expect(run.code).toBe(0);
    expect(body.ok).toBe(true);
    expect(body.findings.filter((f) => f.status === 'fail')).toEqual([]);
    for (const id of [
      'config',
      'store',
      'tls:authority',
      'tls:graph',
      'tls:exchange',
      'tls:imap',
      'dns',
      'erp',
      'mx',
      'roles:graph',
      'roles:exchange',
      'exchange-role',
      'tls:slack',
      'slack:scopes',
    ]) {
      expect(byId(id), id).toMatchObject({ status: 'ok', sentence: expect.stringMatching(/\S/) });
    }
    expect(byId('store')?.sentence).toMatch(/opens, is writable, schema version \d+/);
    expect(byId('roles:graph')?.sentence).toContain('User.Read.All');
  }, 40_000);

  it('names a wrong port and says to check it', async () => {
    const closed = await closedPort();
    const { run, byId } = await doctor('healthy', (c) => {
      c.services.imap = { host: '127.0.0.1', port: closed };
    });
    expect(run.code).toBe(1);
    expect(byId('tls:imap')).toMatchObject({
      status: 'fail',
      sentence: `nothing listens on 127.0.0.1:${closed} (connection refused).`,
      fix: 'Check the host and port in the config.',
    });
  }, 40_000);

  it('says when a certificate is signed by a CA the bot does not trust, and how to trust it', async () => {
    const { run, byId } = await doctor('healthy', (c) => {
      delete c.services.caFile;
    });
    expect(run.code).toBe(1);
    const graph = byId('tls:graph');
    expect(graph?.status).toBe('fail');
    expect(graph?.sentence).toMatch(/is not signed by a CA the bot trusts/);
    expect(graph?.fix).toContain('services.caFile');
  }, 40_000);

  it('names the Graph application permissions missing from the token, and where to grant them', async () => {
    const { run, byId } = await doctor('graph-forbidden');
    expect(run.code).toBe(1);
    expect(byId('roles:graph')).toMatchObject({
      status: 'fail',
      sentence: "the app's token lacks User.Read.All, Domain.Read.All, Organization.Read.All (it carries no application permission).",
      fix: expect.stringContaining('Grant admin consent'),
    });
    expect(byId('roles:exchange')?.status).toBe('ok');
  }, 40_000);

  it('says when the app has no Exchange role', async () => {
    const { byId } = await doctor('exo-forbidden');
    const role = byId('exchange-role');
    expect(role?.status).toBe('fail');
    expect(role?.sentence).toMatch(/Exchange/);
  }, 40_000);

  it("names a scope the Slack bot token lacks (auth.test's x-oauth-scopes)", async () => {
    lab = undefined;
    const { byId } = await doctorWithSlackScopes(['commands']);
    expect(byId('slack:scopes')).toMatchObject({ status: 'fail', sentence: 'the token lacks the scope chat:write.' });
  }, 40_000);

  it('asks for usergroups:read when the approvers or the alert responders name a Slack user group', async () => {
    const extra = { approvals: { approvers: ['slack:S0LABOPS1'] }, alerts: { responders: ['slack:@oncall'] } };
    const lacking = await doctorWithSlackScopes(['commands', 'chat:write'], extra);
    expect(lacking.byId('slack:scopes')).toMatchObject({
      status: 'fail',
      sentence:
        'the token lacks the scope usergroups:read. approvals.approvers and alerts.responders name a Slack user group, whose members the bot reads with usergroups:read; until then no one in it is let in.',
    });
    const granted = await doctorWithSlackScopes(['commands', 'chat:write', 'usergroups:read'], extra);
    expect(granted.byId('slack:scopes')).toMatchObject({
      status: 'ok',
      sentence: expect.stringContaining('commands, chat:write, usergroups:read'),
    });
  }, 60_000);

  async function doctorWithSlackScopes(scopes: string[], extra: Record<string, unknown> = {}) {
    await lab?.stop();
    lab = await startLab({ scenario: 'healthy' });
    const chat = chatLab(lab.state)!;
    chat.slack.botScopes = scopes;
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    const file = join(dir, 'mailsetup.yaml');
    writeFileSync(
      file,
      stringify({ ...lab.config, ...extra, slack: chat.slackConfig('socket'), store: { path: join(dir, 'mailsetup.db') } }),
    );
    const run = await runCli(['doctor', '--config', file, '--json']);
    const body = JSON.parse(run.stdout) as { findings: Finding[] };
    return { byId: (id: string) => body.findings.find((f) => f.id === id) };
  }

  it('prints one line per item with the fix under it, as text', async () => {
    const run = await runCli(['doctor', '--lab', 'graph-forbidden']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}Microsoft Graph permissions: the app's token lacks User\.Read\.All/m);
    expect(run.stdout).toMatch(/^ {6}→ Entra admin center ▸ App registrations/m);
    expect(run.stdout).toMatch(/\d+ failing, \d+ warnings?, \d+ ok\.\n$/);
  }, 40_000);
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
