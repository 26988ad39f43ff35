import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsScenarios } from '../../../lab/scenarios/dns.js';
import { healthy } from '../../../lab/scenarios/index.js';
import { dnsChecks } from '../../../src/checks/dns/index.js';
import { CATALOGUE } from '../../../src/checks/registry.js';
import type { Report } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';
import { type LabRun, startLabRun } from '../../e2e/harness.js';

/** Every DNS scenario (and healthy) against every DNS check: what `expect` lists, and pass otherwise. */
describe.each([healthy, ...dnsScenarios])('lab scenario $name', (scenario) => {
  let run: LabRun;
  let report: Report;
  beforeAll(async () => {
    run = await startLabRun(scenario.name);
    report = await runChecks({
      checks: dnsChecks,
      catalogue: CATALOGUE,
      adapters: run.adapters,
      tenant: run.tenant,
      services: run.config.services,
      timeouts: run.config.timeouts,
    });
  });
  afterAll(() => run.stop());

  it('gives each DNS check the status the scenario expects', () => {
    const got = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    const want = Object.fromEntries(dnsChecks.map((c) => [c.meta.id, scenario.expect[c.meta.id] ?? 'pass']));
    expect(got).toEqual(want);
  });

  it('asked the lab DNS server, over the wire, and compared the MX with the ERP', () => {
    const questions = run.lab.requests.filter((r) => r.service === 'dns').map((r) => r.key);
    expect(questions).toEqual(
      expect.arrayContaining(['MX contoso.test', 'TXT contoso.test', 'TXT _dmarc.contoso.test', 'CNAME selector1._domainkey.contoso.test']),
    );
    const mx = report.checks.find((c) => c.id === 'dns-mx')!;
    // Only mx-elsewhere moves the MX (and then the ERP's host is not compared: the MX fails first).
    expect(mx.observed).toMatchObject(
      scenario.name === 'mx-elsewhere'
        ? { mx: ['10 mx1.mailhost.example', '20 mx2.mailhost.example'] }
        : { mx: ['0 contoso-test.mail.protection.outlook.com'], erpSmtpHost: 'contoso-test.mail.protection.outlook.com' },
    );
  });
});

describe('what the DNS scenarios show', () => {
  it('mx-elsewhere names the other provider', async () => {
    const run = await startLabRun('mx-elsewhere');
    try {
      const report = await runChecks({
        checks: dnsChecks.filter((c) => c.meta.id === 'dns-mx'),
        catalogue: CATALOGUE,
        adapters: run.adapters,
        tenant: run.tenant,
        services: run.config.services,
        timeouts: run.config.timeouts,
      });
      expect(report.checks[0]?.detail).toBe(
        'The MX record of contoso.test points at mx1.mailhost.example (preference 10), not at Exchange Online (*.mail.protection.outlook.com): mail to contoso.test, sales@ included, never reaches Exchange Online or the catch-all rule.',
      );
    } finally {
      await run.stop();
    }
  });
});
