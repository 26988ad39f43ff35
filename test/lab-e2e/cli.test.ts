import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLab } from '../../lab/index.js';
import { COMMANDS } from '../../src/commands/dispatch.js';
import { runCli, spawnCli, writeConfigFile } from './io.js';

// startLab, observed: a usage error must be answered before any lab starts.
vi.mock('../../lab/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lab/index.js')>();
  return { ...actual, startLab: vi.fn(actual.startLab) };
});

const ESC = '\u001b';

describe('mailsetup CLI against the lab', () => {
  it('status --lab healthy --json: every check passes (or an explained warning), exit 0', async () => {
    const run = await runCli(['status', '--lab', 'healthy', '--json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report.tenant).toBe('contoso');
    // status sends no mail: without an earlier test-email, mailflow-e2e is skipped.
    expect(report.checks.find((c: { id: string }) => c.id === 'mailflow-e2e')).toMatchObject({ status: 'skip' });
    const notPassing = report.checks.filter((c: { id: string; status: string }) => c.status !== 'pass' && c.id !== 'mailflow-e2e');
    for (const c of notPassing) {
      expect(c.status, `${c.id}: ${c.detail}`).toBe('warn');
      expect(c.detail.length).toBeGreaterThan(20);
    }
    expect(report.summary).toMatchObject({ fail: 0, error: 0, ok: true });
    expect(run.code).toBe(0);
    for (const c of report.checks)
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'status', 'detail', 'observed', 'expected']));
  });

  it('a failing scenario exits 1 and names the failing step first', async () => {
    const run = await runCli(['status', '--lab', 'connector-ip-missing']);
    expect(run.code).toBe(1);
    const [summary] = run.stdout.split('\n');
    expect(summary).toMatch(/^\d+ failing, .* — .*/);
    expect(run.stdout).toContain('[FAIL]');
    expect(run.stdout).toContain('(exchange-connector-ips)');
  });

  it('check <area> runs only that area', async () => {
    const run = await runCli(['check', 'erp', '--lab', 'healthy', '--json']);
    const report = JSON.parse(run.stdout);
    expect(report.checks.length).toBeGreaterThan(3);
    expect(report.checks.every((c: { id: string }) => c.id.startsWith('erp-'))).toBe(true);
  });

  it('explain prints the by-hand steps', async () => {
    const run = await runCli(['explain', 'erp-incoming-server', '--lab', 'healthy']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('How to do it by hand');
  });

  it('test-email --lab healthy --json passes with every hop timed, in under 3 s', async () => {
    const run = await runCli(['test-email', '--lab', 'healthy', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.verdict).toBe('pass');
    expect(result.hops.length).toBeGreaterThanOrEqual(6);
    for (const hop of result.hops) {
      expect(hop.status, hop.name).toBe('pass');
      expect(typeof hop.durationMs, hop.name).toBe('number');
    }
    expect(result.lead.name).toContain(result.tokens.sales);
  });

  it('test-email names the failing hop and its cause, exit 1', async () => {
    const run = await runCli(['test-email', '--lab', 'domain-authoritative']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^test-email failed/);
    expect(run.stdout).toContain('550 5.4.1');
    expect(run.stdout).toContain('exchange-accepted-domain');
  });

  it('bad usage exits 2 with a sentence', async () => {
    const unknownFlag = await runCli(['status', '--frobnicate']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/Unknown option '--frobnicate'/);
    const unknownScenario = await runCli(['status', '--lab', 'no-such-scenario']);
    expect(unknownScenario.code).toBe(2);
    expect(unknownScenario.stderr).toMatch(/There is no lab scenario called "no-such-scenario"\. Scenarios: healthy, /);
    const unknownCheck = await runCli(['check', 'nope', '--lab', 'healthy']);
    expect(unknownCheck.code).toBe(2);
    expect(unknownCheck.stderr).toMatch(/There is no check or area called "nope"/);
  });

  it('a bad config exits 2 with one line per problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'mailsetup.yaml');
    writeFileSync(file, 'tenants:\n  - name: contoso\n    domain: contoso\n');
    const run = await runCli(['status', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tenants[0].domain: must be a domain name — e.g. contoso.com');
    expect(run.stderr).toContain('tenants[0].tenantId: is missing');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a missing --config file exits 2 and says so', async () => {
    const run = await runCli(['status', '--config', '/nonexistent/mailsetup.yaml']);
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain('The config file /nonexistent/mailsetup.yaml does not exist.');
  });

  it('start with no config runs the lab and a console that answers typed commands', async () => {
    const run = await runCli(['start'], { stdin: '/mailsetup check erp-reachable\nexplain dns-mx\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/started the lab/);
    expect(run.stdout).toContain('erp-reachable');
    expect(run.stdout).toContain('What it is for');
  });
});

describe('mailsetup CLI: strict input, clear output', () => {
  afterEach(() => {
    vi.mocked(startLab).mockClear();
  });

  it('--json prints every error as JSON on stdout, exit 2 for usage and config errors', async () => {
    const unknownFlag = await runCli(['status', '--frobnicate', '--json']);
    expect(unknownFlag).toMatchObject({ code: 2, stderr: '' });
    expect(JSON.parse(unknownFlag.stdout)).toEqual({
      error: { code: 'UsageError', message: expect.stringMatching(/^Unknown option '--frobnicate'/), hint: expect.any(String) },
    });

    const unknownCheck = await runCli(['check', 'nope', '--lab', 'healthy', '--json']);
    expect(unknownCheck).toMatchObject({ code: 2, stderr: '' });
    expect(JSON.parse(unknownCheck.stdout).error).toMatchObject({
      code: 'UsageError',
      message: 'There is no check or area called "nope".',
    });

    const file = writeConfigFile({ tenants: [{ name: 'contoso', domain: 'contoso' }] });
    const badConfig = await runCli(['status', '--config', file, '--json']);
    expect(badConfig).toMatchObject({ code: 2, stderr: '' });
    const { error } = JSON.parse(badConfig.stdout);
    expect(error.code).toBe('ConfigInvalid');
    expect(error.message).toContain('tenants[0].domain: must be a domain name');
    expect(error.hint).toMatch(/^Fix these keys/);

    const unknownTenant = await runCli(['status', 'fabrikam', '--lab', 'healthy', '--json']);
    expect(unknownTenant).toMatchObject({ code: 2, stderr: '' });
    expect(JSON.parse(unknownTenant.stdout).error).toEqual({
      code: 'UsageError',
      message: 'There is no tenant called "fabrikam".',
      hint: 'Tenants: contoso.',
    });
  });

  it('in text mode results go to stdout and errors to stderr', async () => {
    const ok = await runCli(['explain', 'dns-mx', '--lab', 'healthy']);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain('dns-mx');
    const wrong = await runCli(['status', 'fabrikam', '--lab', 'healthy']);
    expect(wrong).toMatchObject({ code: 2, stdout: '' });
    expect(wrong.stderr).toContain('There is no tenant called "fabrikam". Tenants: contoso.');
    const unknownId = await runCli(['explain', 'no-such-check', '--lab', 'healthy']);
    expect(unknownId).toMatchObject({ code: 2, stdout: '' });
    expect(unknownId.stderr).toContain('"no-such-check"');
  });

  it('an unknown verb lists every verb there is', async () => {
    const run = await runCli(['stauts']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    const listed = /Verbs: ([^.]+)\./.exec(run.stderr)?.[1]?.split(', ');
    expect(listed).toEqual(expect.arrayContaining([...COMMANDS.map((c) => c.verb), 'start', 'lab']));
  });

  it('a usage error is answered before any lab starts', async () => {
    for (const args of [
      ['check', 'nope', '--lab', 'healthy'],
      ['explain', '--lab', 'healthy'],
      ['stauts', '--lab', 'healthy'],
      ['status', 'a', 'b', '--lab', 'healthy'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
    }
    expect(startLab).not.toHaveBeenCalled();
  });

  it('control characters in an argument reach no terminal as raw escapes', async () => {
    const run = await runCli(['check', '\u001b]0;pwn\u0007']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('\\u001b]0;pwn\\u0007');
    expect(run.stdout + run.stderr).not.toContain(ESC);
  });

  it('control characters in an ERP server name reach no terminal, in the CLI or the console', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    try {
      // A failing server, so that its name is in the reply.
      Object.assign(lab.state.erp.mailServers[0]!, { name: 'Exchange \u001b]0;pwn\u0007\u009b2J relay', smtp_port: 587 });
      const file = writeConfigFile(lab.config);
      const cli = await runCli(['check', 'erp-outgoing-server', '--config', file]);
      expect(cli.stdout).toContain('\\u001b]0;pwn\\u0007');
      expect(cli.stdout + cli.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
      const json = await runCli(['check', 'erp-outgoing-server', '--config', file, '--json']);
      expect(json.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(JSON.stringify(JSON.parse(json.stdout))).toContain('Exchange \\u001b]0;pwn\\u0007');
      const console = await runCli(['start', '--config', file], { stdin: 'check erp-outgoing-server\n' });
      expect(console.stdout).toContain('\\u001b]0;pwn\\u0007');
      expect(console.stdout + console.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
    } finally {
      await lab.stop();
    }
  });

  it('a start-up error prints its hint, in `start` and in a verb', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const teams = { appId: 'app-id', appPassword: 'teams-app-password', tenantId: 'tenant-id', port };
      const start = await runCli(['start', '--config', writeConfigFile({ ...lab.config, teams })]);
      expect(start.code).toBe(2);
      expect(start.stderr).toContain(`The Teams endpoint cannot listen on port ${port}`);
      expect(start.stderr).toContain('Choose a free port with teams.port.');

      // A folder under a plain file cannot be made, not even by root.
      const underAFile = `${writeConfigFile({})}/store/mailsetup.db`;
      const noStore = { ...lab.config, teams: { ...teams, port: 0 }, store: { path: underAFile } };
      const store = await runCli(['start', '--config', writeConfigFile(noStore)]);
      expect(store.code).toBe(2);
      expect(store.stderr).toContain(`The store at ${underAFile} cannot be opened`);
      expect(store.stderr).toContain('Check `store.path` in the config');

      const noCa = { ...lab.config, services: { ...lab.config.services, caFile: '/nonexistent/ca.pem' } };
      const verb = await runCli(['status', '--config', writeConfigFile(noCa)]);
      expect(verb.code).toBe(2);
      expect(verb.stderr).toContain(
        'services.caFile: cannot read /nonexistent/ca.pem. Give the path of a PEM CA bundle, or remove the key.',
      );
    } finally {
      busy.close();
      await lab.stop();
    }
  });
});

describe('mailsetup CLI as a process', () => {
  it('prints its report and exits at the run deadline while a TLS handshake to the ERP and Graph hangs', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    // Accepts TCP and never answers the TLS ClientHello.
    const sockets: Socket[] = [];
    let firstConnectionAt: number | undefined;
    const silent = createServer((socket) => {
      firstConnectionAt ??= performance.now();
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const runMs = 2000;
    try {
      const tenant = lab.config.tenants[0]!;
      const config = {
        ...lab.config,
        tenants: [{ ...tenant, erp: { ...(tenant.erp as Record<string, unknown>), url: silentUrl } }],
        services: { ...lab.config.services, graphUrl: `${silentUrl}/v1.0` },
        timeouts: { fetchMs: 30_000, runMs },
      };
      const cli = spawnCli(['status', '--config', writeConfigFile(config), '--json']);
      const killer = setTimeout(() => cli.child.kill('SIGKILL'), 60_000);
      const exit = await cli.exited;
      clearTimeout(killer);
      expect(exit).toMatchObject({ code: 1, signal: null });
      const report = JSON.parse(cli.stdout());
      const erp = report.checks.find((c: { id: string }) => c.id === 'erp-reachable');
      expect(erp.status).toBe('error');
      expect(erp.detail).toMatch(/No answer from .* within the run's deadline of 2 s/);
      const graph = report.checks.find((c: { id: string }) => c.id === 'entra-domain');
      expect(graph.status).toBe('error');
      // Liveness: from the first connection to the silent server, the run's deadline and a little.
      expect(firstConnectionAt).toBeDefined();
      expect(exit.at - (firstConnectionAt as number)).toBeLessThan(runMs + 5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await lab.stop();
    }
  }, 70_000);

  // Injected from outside the bot: on SIGUSR2 a failure nothing catches, as a throw or a rejection.
  const INJECT = `process.on('SIGUSR2', () => {
  const error = new Error(process.env.INJECT_MESSAGE);
  if (process.env.INJECT === 'exception') setImmediate(() => { throw error; });
  else Promise.reject(error);
});
`;

  for (const kind of ['exception', 'rejection'] as const) {
    it(`an uncaught ${kind} is logged without secrets and ends the process with a non-zero code`, async () => {
      const lab = await startLab({ scenario: 'healthy' });
      try {
        const hook = join(mkdtempSync(join(tmpdir(), 'inject-')), 'inject-failure.mjs');
        writeFileSync(hook, INJECT);
        const password = String((lab.config.tenants[0]!.erp as { password: string }).password);
        const cli = spawnCli(['start', '--config', writeConfigFile(lab.config)], {
          nodeArgs: ['--import', hook],
          env: { INJECT: kind, INJECT_MESSAGE: `injected failure near ${password}` },
        });
        const killer = setTimeout(() => cli.child.kill('SIGKILL'), 60_000);
        // Once the console answers, the bot is up: then the failure.
        cli.child.stdin.write('help\n');
        await vi.waitFor(() => expect(cli.stdout()).toContain('Verbs'), { timeout: 30_000, interval: 100 });
        cli.child.kill('SIGUSR2');
        const exit = await cli.exited;
        clearTimeout(killer);
        expect(exit.signal).toBeNull();
        expect(exit.code).not.toBe(0);
        const log = cli
          .stderr()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l));
        expect(log).toContainEqual(
          expect.objectContaining({
            msg: 'mailsetup stopped on an unexpected failure',
            err: expect.objectContaining({ message: 'injected failure near [redacted]' }),
          }),
        );
        expect(cli.stdout() + cli.stderr()).not.toContain(password);
      } finally {
        await lab.stop();
      }
    }, 70_000);
  }
});
