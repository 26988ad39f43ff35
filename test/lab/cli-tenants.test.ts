import { describe, expect, it } from 'vitest';
import { runCli } from '../lab-e2e/io.js';

describe('--tenants N: verbs against a lab of several tenants', () => {
  it('status <tenant> --lab S --tenants 3 checks that tenant of a lab where every tenant is in S', async () => {
    const run = await runCli(['status', 'tenant-003', '--lab', 'catchall-rule-disabled', '--tenants', '3', '--json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report.tenant).toBe('tenant-003');
    expect(report.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id)).toEqual([
      'exchange-catchall-rule',
    ]);
    expect(run.code).toBe(1);
  }, 60_000);

  it('a count that is not 1–2000, or --tenants with no lab, is a usage error before any lab starts', async () => {
    for (const count of ['0', 'three', '2001', '1.5']) {
      const run = await runCli(['status', '--lab', 'healthy', '--tenants', count, '--json']);
      expect(run.code, count).toBe(2);
      expect(JSON.parse(run.stdout).error.message, count).toBe(
        `--tenants takes a whole number of lab tenants from 1 to 2000, not "${count}".`,
      );
    }
    const noLab = await runCli(['status', '--tenants', '3']);
    expect(noLab.code).toBe(2);
    expect(noLab.stderr).toContain('--tenants sizes the lab: use it with --lab SCENARIO (or with `mailsetup lab`).');
  });

  it('start --tenants 2 with no config: the console switches one tenant and lists both', async () => {
    const run = await runCli(['start', '--tenants', '2'], {
      stdin: 'lab scenario catchall-rule-disabled tenant-002\nlab scenario\nstatus tenant-002\nstatus contoso\n',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('started the lab (2 simulated tenants, scenario "healthy")');
    expect(run.stdout).toContain('contoso: healthy\ntenant-002: catchall-rule-disabled');
    const [second, first] = run.stdout.split('== Mail setup of contoso.test ==');
    expect(second).toContain('== Mail setup of tenant-002.test ==');
    expect(second).toContain('(exchange-catchall-rule)');
    expect(second).toContain('[FAIL]');
    expect(first).not.toContain('[FAIL]');
  }, 60_000);
});
