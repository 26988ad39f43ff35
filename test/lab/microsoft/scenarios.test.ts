import { describe, expect, it } from 'vitest';
import { microsoftScenarios } from '../../../lab/scenarios/microsoft.js';
import { CATALOGUE } from '../../../src/checks/registry.js';
import type { CheckResult } from '../../../src/engine/result.js';
import { MICROSOFT_CHECKS, startMicrosoftHarness } from './harness.js';

const SCENARIOS = [{ name: 'healthy', expect: {} as Record<string, string> }, ...microsoftScenarios];

function expectExplained(result: CheckResult): void {
  expect(result.detail.length, result.id).toBeGreaterThan(20);
  if (result.status === 'fail' || result.status === 'warn') {
    expect(result.remediation?.manual, result.id).toBeTruthy();
    expect(result.remediation?.command, result.id).toBeTruthy();
  }
}

describe.concurrent('Microsoft scenarios: each fails exactly the checks it should', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    // A generous fetch timeout: this matrix is about verdicts, and runs several labs at once.
    const harness = await startMicrosoftHarness({ scenario: scenario.name, timeouts: { fetchMs: 15_000 } });
    try {
      const report = await harness.run();
      const wanted = Object.fromEntries(MICROSOFT_CHECKS.map((c) => [c.meta.id, scenario.expect[c.meta.id] ?? 'pass']));
      const got = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
      expect(got).toEqual(wanted);
      for (const result of report.checks) expectExplained(result);
    } finally {
      await harness.stop();
    }
  });
});

describe('Microsoft scenarios in detail', () => {
  it('expect only names checks of the catalogue', () => {
    const known = new Set(CATALOGUE.map((c) => c.meta.id));
    for (const scenario of microsoftScenarios) {
      expect(
        Object.keys(scenario.expect).filter((id) => !known.has(id)),
        scenario.name,
      ).toEqual([]);
    }
  });

  it('exo-forbidden: every Exchange read is an error with insufficient-permission naming the role, never a failure', async () => {
    const harness = await startMicrosoftHarness({ scenario: 'exo-forbidden' });
    try {
      const report = await harness.run();
      const errors = report.checks.filter((c) => c.status === 'error');
      expect(errors.map((c) => c.id)).toEqual(
        MICROSOFT_CHECKS.map((c) => c.meta.id).filter((id) => id.startsWith('exchange-') && id !== 'exchange-connector-ips'),
      );
      for (const result of errors) {
        expect(result.skipReason).toBe('insufficient-permission');
        expect(result.detail).toContain('Global Reader');
        expect(result.detail).toContain('Exchange.ManageAsApp');
      }
      expect(report.checks.some((c) => c.status === 'fail')).toBe(false);
    } finally {
      await harness.stop();
    }
  });

  it('exo-recipients-unreadable: only the checks that read recipients are errors, naming the role group they need', async () => {
    const harness = await startMicrosoftHarness({ scenario: 'exo-recipients-unreadable' });
    try {
      const report = await harness.run();
      const errors = report.checks.filter((c) => c.status === 'error');
      expect(errors.map((c) => c.id).sort()).toEqual(['exchange-catchall-mailbox', 'exchange-catchall-rule', 'exchange-dynamic-group']);
      for (const result of errors) {
        expect(result.skipReason, result.id).toBe('insufficient-permission');
        expect(result.detail, result.id).toContain('is not recognized as a name of a cmdlet');
        expect(result.detail, result.id).toContain('role group "View-Only Organization Management"');
        expect(result.detail, result.id).toContain('"View-Only Recipients"');
      }
      expect(report.checks.find((c) => c.id === 'exchange-catchall-rule')?.detail).toContain('may not run Get-Recipient');
      expect(report.checks.filter((c) => c.status !== 'error').every((c) => c.status === 'pass')).toBe(true);
    } finally {
      await harness.stop();
    }
  });

  it('graph-throttled: the lab saw the throttled call twice, a Retry-After apart, and everything passed', async () => {
    const harness = await startMicrosoftHarness({ scenario: 'graph-throttled' });
    try {
      const report = await harness.run();
      expect(report.summary.ok).toBe(true);
      const domains = harness.lab.requests.filter((r) => r.service === 'graph' && r.key === 'GET /v1.0/domains');
      expect(domains).toHaveLength(2);
      expect((domains[1]?.at ?? 0) - (domains[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    } finally {
      await harness.stop();
    }
  });

  it('a healthy run makes each outside call once, and asks for one token per resource', async () => {
    const harness = await startMicrosoftHarness();
    try {
      await harness.run();
      const counts = new Map<string, number>();
      for (const r of harness.lab.requests) counts.set(`${r.service} ${r.key}`, (counts.get(`${r.service} ${r.key}`) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
      const tokenPosts = harness.lab.requests.filter((r) => r.service === 'token' && r.key.startsWith('POST '));
      expect(tokenPosts).toHaveLength(2);
      const cmdlets = harness.lab.requests
        .filter((r) => r.service === 'exchange' && !r.key.includes('$skiptoken'))
        .map((r) => r.key.split(' ')[0]);
      expect(cmdlets.sort()).toEqual(
        [
          'Get-AcceptedDomain',
          'Get-CASMailbox',
          'Get-DynamicDistributionGroup',
          'Get-DynamicDistributionGroupMember',
          'Get-InboundConnector',
          'Get-Mailbox',
          'Get-OrganizationConfig',
          // One per distinct identity: the rule's two display names, the configured mailbox and group.
          'Get-Recipient',
          'Get-Recipient',
          'Get-Recipient',
          'Get-Recipient',
          'Get-TransportRule',
        ].sort(),
      );
    } finally {
      await harness.stop();
    }
  });

  it('an Exchange timeout makes the Exchange checks error, never fail', async () => {
    const harness = await startMicrosoftHarness({ faults: [{ service: 'exchange', kind: 'timeout' }], timeouts: { fetchMs: 400 } });
    try {
      const report = await harness.run();
      const exchange = report.checks.filter((c) => c.area === 'exchange');
      expect(exchange.filter((c) => c.status === 'fail')).toEqual([]);
      expect(exchange.find((c) => c.id === 'exchange-connector')).toMatchObject({
        status: 'error',
        observed: { errorCode: 'AdapterTimeout' },
      });
      expect(exchange.filter((c) => c.status === 'error')).toHaveLength(6);
      expect(report.checks.find((c) => c.id === 'entra-domain')?.status).toBe('pass');
    } finally {
      await harness.stop();
    }
  });

  it('names from the config reach Exchange only as inert JSON string values', async () => {
    const hostile = "x'; Remove-TransportRule -Identity *";
    const harness = await startMicrosoftHarness({ tenant: { transportRule: hostile, dynamicGroup: hostile } });
    try {
      const rulesBefore = harness.lab.state.microsoft.exchange.transportRules.length;
      const report = await harness.run();
      const received = harness.lab.state.microsoft.receivedCommands;
      expect(received).toContainEqual({ CmdletName: 'Get-DynamicDistributionGroup', Parameters: { Identity: hostile } });
      expect(received.every((c) => typeof c.CmdletName === 'string' && /^Get-[A-Za-z]+$/.test(c.CmdletName))).toBe(true);
      expect(harness.lab.state.microsoft.exchange.transportRules).toHaveLength(rulesBefore);
      const rule = report.checks.find((c) => c.id === 'exchange-catchall-rule');
      expect(rule?.status).toBe('fail');
      expect(rule?.detail).toContain(`no transport rule named "${hostile}"`);
      expect(report.checks.find((c) => c.id === 'exchange-dynamic-group')?.status).toBe('fail');
    } finally {
      await harness.stop();
    }
  });
});
