import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './io.js';

describe('mailsetup CLI against the lab', () => {
  it('status --lab healthy --json: every check passes (or an explained warning), exit 0', async () => {
    const run = await runCli(['status', '--lab', 'healthy', '--json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report.tenant).toBe('contoso');
    const notPassing = report.checks.filter((c: { status: string }) => c.status !== 'pass');
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
