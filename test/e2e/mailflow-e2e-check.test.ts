import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailflowE2eCheck } from '../../src/checks/mailflow/mailflow-e2e.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import type { CheckResult } from '../../src/engine/result.js';
import { runChecks } from '../../src/engine/run.js';
import { type LabRun, startLabRun } from './harness.js';

const catalogue = CATALOGUE.some((c) => c.meta.id === 'mailflow-e2e') ? CATALOGUE : [...CATALOGUE, mailflowE2eCheck];

async function check(run: LabRun, tenant = run.tenant): Promise<CheckResult> {
  const report = await runChecks({
    checks: [mailflowE2eCheck],
    catalogue,
    adapters: run.adapters,
    tenant,
    services: run.config.services,
    timeouts: run.config.timeouts,
  });
  return report.checks[0]!;
}

describe('the mailflow-e2e check', () => {
  let run: LabRun;
  beforeAll(async () => {
    run = await startLabRun('healthy');
  });
  afterAll(() => run.stop());

  it('passes in the healthy lab, with every hop in the evidence', async () => {
    const result = await check(run);
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(/^A test mail went through 7 hops in \d+(\.\d)? s and became crm\.lead #\d+\.$/);
    expect((result.observed.hops as unknown[]).length).toBe(8);
  });

  it('inside the rate-limit window reports the last run instead of sending again', async () => {
    const before = run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt').length;
    const result = await check(run);
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(/\(the run of \d+ s ago; test mail is limited to one run per minute\)\.$/);
    expect(run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt').length).toBe(before);
  });

  it('is skipped (not-configured) without an outside sender', async () => {
    const result = await check(run, { ...run.tenant, probe: undefined });
    expect(result).toMatchObject({ status: 'skip', skipReason: 'not-configured' });
  });
});

describe('the mailflow-e2e check on a broken tenant', () => {
  it('fails at the hop that broke, with the mapped cause as the remediation', async () => {
    const run = await startLabRun('domain-authoritative');
    try {
      const result = await check(run);
      expect(result.status).toBe('fail');
      expect(result.detail).toMatch(
        /^The test mail stopped at "MX accepts mail to sales@contoso\.test": .* refused RCPT TO:<sales@contoso\.test>: 550 5\.4\.1/,
      );
      expect(result.cause).toMatchObject({ code: '5.4.1', checkId: 'exchange-accepted-domain' });
      expect(result.remediation?.command).toBe('mailsetup check exchange-accepted-domain');
    } finally {
      await run.stop();
    }
  });
});
