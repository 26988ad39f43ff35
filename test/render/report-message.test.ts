import { describe, expect, it } from 'vitest';
import { homeView } from '../../src/chat/slack/home.js';
import { type CheckResult, summarize } from '../../src/engine/result.js';
import { mapCause } from '../../src/mail/causes.js';
import { evidenceRows } from '../../src/render/evidence.js';
import { reportToMessage, shortName, summaryLine } from '../../src/render/report-message.js';
import { renderText } from '../../src/render/text.js';
import { personTime } from '../../src/render/time.js';
import { slackText } from '../chat/helpers.js';

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

  it('shows the settings that differ as readable lines, lists with the entries that matter first, never JSON or internal fields', () => {
    const r = report([
      result('exchange-catchall-rule', 'fail', {
        observed: {
          Mode: 'Audit',
          State: 'Enabled',
          RedirectMessageTo: ['alice@contoso.test', 'erp@contoso.test'],
          errorCode: 'Internal',
          httpStatus: 200,
        },
        expected: { Mode: 'Enforce', State: 'Enabled', RedirectMessageTo: ['erp@contoso.test'] },
      }),
    ]);
    const text = renderText(reportToMessage(r), { details: true });
    expect(text).toContain('       Mode: Audit — expected Enforce\n');
    expect(text).toContain('       RedirectMessageTo: alice@contoso.test, erp@contoso.test — expected erp@contoso.test\n');
    expect(text).not.toContain('State: Enabled —');
    // The evidence table: differing rows first, then those that agree.
    const table = text.slice(text.indexOf('Evidence:'));
    expect(
      table
        .split('\n')
        .filter((l) => l.startsWith('  '))
        .map((l) => l.trim().split(/\s{2,}/)),
    ).toEqual([
      ['Setting', 'Observed', 'Expected'],
      ['Mode', 'Audit', 'Enforce'],
      ['RedirectMessageTo', 'alice@contoso.test, erp@contoso.test', 'erp@contoso.test'],
      ['State', 'Enabled', 'Enabled'],
    ]);
    expect(text).not.toMatch(/errorCode|httpStatus|\["|\{"/);
  });

  it("a failure that follows from a passing check names the cause once and fixes it with the tenant's values", () => {
    const reply = '550 5.7.64 TenantAttribution; Relay Access Denied';
    const cause = mapCause({ text: reply, protocol: 'smtp', known: { connector: 'Twenty20 ERP relay', egressIps: ['203.0.113.10'] } });
    const r = report([
      result('exchange-connector-ips', 'pass'),
      result('erp-outgoing-test', 'fail', {
        detail: `Test Connection failed: "${reply}".`,
        cause,
        remediation: { manual: cause?.fix ?? '' },
      }),
    ]);
    const text = renderText(reportToMessage(r));
    expect(text.match(/Likely cause/g)).toHaveLength(1);
    expect(text).toContain('(see `exchange-connector-ips`).');
    expect(text).toContain(
      "Fix: Add 203.0.113.10 to the inbound connector \"Twenty20 ERP relay\": Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'}.",
    );
    expect(text).not.toMatch(/<connector>|<ERP egress IP>/);
  });

  it("shows the bot's commands in the CLI form and the time with its zone", () => {
    const message = reportToMessage(
      {
        ...report([
          result('mailflow-e2e', 'fail', { remediation: { manual: 'Run `mailsetup check erp`.', command: 'mailsetup check erp' } }),
        ]),
        startedAt: '2026-05-04T02:43:00Z',
      },
      { now: new Date('2026-05-04T02:46:10Z') },
    );
    const text = renderText(message);
    expect(text).toContain('Checked 02:43 UTC · took');
    // Another day than today gets its date.
    const older = reportToMessage({ ...report([]), startedAt: '2026-05-04T02:43:00Z' }, { now: new Date('2026-05-06T08:00:00Z') });
    expect(renderText(older)).toContain('Checked 4 May 2026, 02:43 UTC · took 5 ms');
    expect(personTime('2026-05-04T02:43:00Z', new Date('2026-05-04T02:46:10Z'))).toBe('02:43 UTC, 3 min ago');
    expect(personTime('2026-05-04T02:43:00Z', new Date('2026-05-06T08:00:00Z'))).toBe('4 May 2026, 02:43 UTC, 2 days ago');
    expect(text).toContain('Fix: Run `mailsetup check erp`.');
    expect(text).toContain('Command: mailsetup check erp');
  });
});

describe('text from outside, as the console, the CLI and the Home tab show it', () => {
  it('neutralises ESC/OSC sequences from an outside value in the text output', () => {
    const r = report([result('erp-outgoing-server', 'fail', { detail: 'Server "\u001b]0;owned\u0007\u001b[2Jx" refused.' })]);
    const text = renderText(reportToMessage(r));
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('Server "\\u001b]0;owned\\u0007\\u001b[2Jx" refused.');
  });

  it('the Home tab names the time of the last status with its zone, and its age as Slack keeps it current', () => {
    const last = {
      message: reportToMessage(report([result('dns-mx', 'pass')])),
      at: '2026-05-04T02:43:00.000Z',
      requestedBy: 'Ann\u001b[31m',
    };
    const text = slackText(homeView(last, '/mailsetup', { now: new Date('2026-05-04T02:46:00Z') }).blocks);
    expect(text).toContain('Last status, 02:43 UTC (<!date^1777862580^{ago}|02:43 UTC, 3 min ago>) · asked by Ann\\u001b[31m');
  });
});

describe('evidence rows', () => {
  it('an expected value that explains itself in parentheses matches the plain observed value', () => {
    const rows = evidenceRows({
      observed: { conditions: [], Mode: 'Audit' },
      expected: { conditions: 'none (apply to all messages)', Mode: 'Enforce' },
    });
    expect(rows.map((r) => [r.setting, r.observed, r.expected, r.matters])).toEqual([
      ['Mode', 'Audit', 'Enforce', true],
      ['Conditions', 'none', 'none (apply to all messages)', false],
    ]);
  });
});
