import { describe, expect, it } from 'vitest';
import { type CheckResult, summarize } from '../../src/engine/result.js';
import { reportToMessage, shortName, summaryLine } from '../../src/render/report-message.js';
import { renderText } from '../../src/render/text.js';

function result(id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    title: `Title of ${id}`,
    area: id.split('-')[0] as CheckResult['area'],
    severity: 'high',
    fixable: false,
    tenant: 'contoso',
    status,
    detail: `Detail of ${id}.`,
    observed: {},
    expected: {},
    durationMs: 1,
    ...extra,
  };
}

function report(checks: CheckResult[]) {
  return { tenant: 'contoso', domain: 'contoso.test', startedAt: '', durationMs: 5, checks, summary: summarize(checks) };
}

describe('the status reply', () => {
  it('names failing steps by short name in the summary line', () => {
    const r = report([
      result('exchange-connector-ips', 'fail'),
      result('exchange-catchall-rule', 'fail'),
      result('dns-spf', 'warn'),
      result('erp-reachable', 'pass'),
    ]);
    expect(summaryLine(r)).toBe('2 failing, 1 warning, 1 passing — connector IPs, catch-all rule');
    expect(shortName('erp-incoming-server')).toBe('ERP incoming server');
    expect(shortName('mailflow-e2e')).toBe('end-to-end test');
  });

  it('shows one block for checks the bot could not read for the same reason, and keeps others apart', () => {
    const forbidden = (id: string) =>
      result(id, 'error', {
        detail: `App may not run a cmdlet for ${id}. Give it a role.`,
        observed: { errorCode: 'InsufficientPermission', source: 'exchange' },
      });
    const r = report([
      forbidden('exchange-connector'),
      forbidden('exchange-catchall-rule'),
      forbidden('exchange-accepted-domain'),
      result('exchange-dynamic-group', 'error', { observed: { errorCode: 'AdapterTimeout', source: 'exchange' } }),
      result('exchange-catchall-mailbox', 'fail'),
    ]);
    const text = renderText(reportToMessage(r));
    expect(text).toContain(
      '[ERR ] 3 checks could not be read, for one reason (exchange-connector, exchange-catchall-rule, exchange-accepted-domain)',
    );
    expect(text).toContain('Checks: Title of exchange-connector; Title of exchange-catchall-rule; Title of exchange-accepted-domain');
    expect(text.match(/App may not run/g)).toHaveLength(1);
    expect(text).toContain('[ERR ] Title of exchange-dynamic-group (exchange-dynamic-group)');
    // Failures come before errors within the area.
    expect(text.indexOf('[FAIL]')).toBeLessThan(text.indexOf('[ERR ]'));
  });

  it('shows seen vs expected only for plain values that differ', () => {
    const r = report([
      result('exchange-catchall-rule', 'fail', {
        observed: { Mode: 'Audit', State: 'Enabled', rule: { Name: 'x' } },
        expected: { Mode: 'Enforce', State: 'Enabled', rule: 'Catchall' },
      }),
    ]);
    const text = renderText(reportToMessage(r));
    expect(text).toContain('Mode: seen Audit, expected Enforce');
    expect(text).not.toContain('State: seen');
    expect(text).not.toContain('rule: seen');
  });
});
