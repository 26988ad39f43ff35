import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailflowE2eCheck } from '../../src/checks/mailflow/mailflow-e2e.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runTestEmail } from '../../src/commands/test-email.js';
import type { CheckResult } from '../../src/engine/result.js';
import { runChecks } from '../../src/engine/run.js';
import { coreFor, LAB_E2E, type LabRun, startLabRun } from './harness.js';

const catalogue = CATALOGUE.some((c) => c.meta.id === 'mailflow-e2e') ? CATALOGUE : [...CATALOGUE, mailflowE2eCheck];

async function check(run: LabRun, tenant = run.tenant, now?: Date): Promise<CheckResult> {
  const report = await runChecks({
    checks: [mailflowE2eCheck],
    catalogue,
    adapters: run.adapters,
    tenant,
    services: run.config.services,
    timeouts: run.config.timeouts,
    ...(now ? { now: () => now } : {}),
  });
  return report.checks[0]!;
}

const mxRecipients = (run: LabRun) => run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt').length;

describe('the mailflow-e2e check', () => {
  let run: LabRun;
  beforeAll(async () => {
    run = await startLabRun('healthy');
  });
  afterAll(() => run.stop());

  it('sends no mail and is skipped with "run `test-email`" while there is no result', async () => {
    const result = await check(run);
    expect(result).toMatchObject({ status: 'skip', skipReason: 'not-applicable' });
    expect(result.detail).toBe(
      'No end-to-end result yet: `status` sends no mail; run `test-email` to send a test mail through the whole loop.',
    );
    expect(mxRecipients(run)).toBe(0);
    expect(run.lab.state.erp.leads).toEqual([]);
  });

  it("shows test-email's result with its age and duration, still sending nothing itself", async () => {
    const sent = await runTestEmail(coreFor(run), undefined, { e2e: LAB_E2E });
    expect(sent.verdict).toBe('pass');
    const before = mxRecipients(run);
    const finished = Date.now();
    const result = await check(run, run.tenant, new Date(finished + 12 * 60_000));
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(
      /^The last test mail passed 12 min ago, \d+(\.\d)? s: 7 hops, crm\.lead #\d+\. Run `test-email` for a new one\.$/,
    );
    expect((result.observed.hops as unknown[]).length).toBe(8);
    expect(mxRecipients(run)).toBe(before);
  });

  it('is skipped (not-configured) without an outside sender', async () => {
    const result = await check(run, { ...run.tenant, probe: undefined });
    expect(result).toMatchObject({ status: 'skip', skipReason: 'not-configured' });
  });
});

describe('the mailflow-e2e check on a broken tenant', () => {
  it("reports the last test-email's failure with the mapped cause as the remediation", async () => {
    const run = await startLabRun('domain-authoritative');
    try {
      await runTestEmail(coreFor(run), undefined, { e2e: LAB_E2E });
      const result = await check(run);
      expect(result.status).toBe('fail');
      expect(result.detail).toMatch(
        /^The last test mail failed (just now|\d+ s ago), \d+(\.\d)? s, at "MX accepts mail to sales@contoso\.test": .* refused RCPT TO:<sales@contoso\.test>: 550 5\.4\.1/,
      );
      expect(result.cause).toMatchObject({ code: '5.4.1', checkId: 'exchange-accepted-domain' });
      expect(result.remediation?.command).toBe('mailsetup check exchange-accepted-domain');
    } finally {
      await run.stop();
    }
  });
});
