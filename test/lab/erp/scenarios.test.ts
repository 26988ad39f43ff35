import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { erpScenarios } from '../../../lab/scenarios/erp.js';
import { erpChecks } from '../../../src/checks/erp/index.js';
import type { CheckResult, Report } from '../../../src/engine/result.js';
import { runErpChecks, statuses } from './run-erp.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** What each scenario's failing verdict must name: the cause and the fix. */
const NAMES: Record<string, { id: string; detail: RegExp[]; remediation?: RegExp }[]> = {
  'erp-notify-module-missing': [
    { id: 'erp-notify-module', detail: [/fetchmail_notify_error_to_sender/, /uninstalled/], remediation: /Update Apps List/ },
  ],
  'erp-outgoing-wrong-port': [
    { id: 'erp-outgoing-server', detail: [/smtp_port is 587/, /expected 25/], remediation: /Outgoing Mail Servers/ },
  ],
  'erp-incoming-basic-auth': [
    {
      id: 'erp-incoming-server',
      detail: [/password/, /since 2022/, /October 2022/, /server_type "outlook"/],
      remediation: /Outlook Oauth Authentication/,
    },
  ],
  'erp-base-url-not-frozen': [
    { id: 'erp-system-params', detail: [/web\.base\.url\.freeze is not set/, /expected "True"/], remediation: /System Parameters/ },
  ],
  'erp-sales-alias-followers': [
    { id: 'erp-sales-alias', detail: [/alias_contact is "followers"/, /expected "everyone"/], remediation: /Sales Teams/ },
  ],
  'erp-down': [{ id: 'erp-reachable', detail: [/refused the connection/] }],
  'erp-bad-credentials': [{ id: 'erp-reachable', detail: [/"mailsetup-bot"/, /contoso-prod/], remediation: /tenants\[\]\.erp\.password/ }],
  'erp-bot-not-admin': [{ id: 'erp-outgoing-server', detail: [/mailsetup-bot/, /ir\.mail_server/], remediation: undefined }],
};

function byId(report: Report, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
}

describe('ERP checks against the lab ERP', () => {
  it('pass every ERP check on the healthy lab', async () => {
    lab = await startLab({ scenario: 'healthy' });
    const report = await runErpChecks(lab);
    expect(statuses(report)).toEqual(Object.fromEntries(erpChecks.map((c) => [c.meta.id, 'pass'])));
    expect(byId(report, 'erp-reachable').observed).toMatchObject({ serverVersion: '16.0', api: 'json-rpc', login: 'mailsetup-bot' });
    expect(byId(report, 'erp-outgoing-server').observed.server).toMatchObject({
      smtp_host: 'contoso-test.mail.protection.outlook.com',
      smtp_port: 25,
    });
  });

  for (const scenario of erpScenarios) {
    it(`${scenario.name}: fails exactly what it expects`, async () => {
      lab = await startLab({ scenario: scenario.name });
      const report = await runErpChecks(lab);
      const wanted = Object.fromEntries(erpChecks.map((c) => [c.meta.id, scenario.expect[c.meta.id] ?? 'pass']));
      expect(statuses(report)).toEqual(wanted);

      for (const result of report.checks) {
        if (result.status === 'skip') expect(result.skipReason).toBe('dependency-failed');
        if (result.status === 'fail') {
          expect(result.remediation?.manual.length).toBeGreaterThan(20);
          expect(result.expected).not.toEqual({});
        }
      }
      for (const named of NAMES[scenario.name] ?? []) {
        const result = byId(report, named.id);
        for (const pattern of named.detail) expect(result.detail).toMatch(pattern);
        if (named.remediation) expect(result.remediation?.manual ?? '').toMatch(named.remediation);
      }
      // The bot's ERP password and API key never leave the process.
      const text = JSON.stringify(report);
      expect(text).not.toContain(lab.state.erp.bot.password);
      expect(text).not.toContain(lab.state.erp.bot.apiKey);
    });
  }

  it('erp-down: one error, quick skips', async () => {
    lab = await startLab({ scenario: 'erp-down' });
    const report = await runErpChecks(lab);
    expect(byId(report, 'erp-reachable').observed).toMatchObject({ errorCode: 'AdapterUnavailable' });
    expect(lab.requests.filter((r) => r.service === 'erp')).toHaveLength(0);
  });

  it('erp-bad-credentials: logs in once, then stops', async () => {
    lab = await startLab({ scenario: 'erp-bad-credentials' });
    await runErpChecks(lab);
    const keys = lab.requests.filter((r) => r.service === 'erp').map((r) => r.key);
    expect(keys).toEqual(['/web/webclient/version_info', 'common.authenticate']);
  });

  it('erp-bot-not-admin: errors name the missing right', async () => {
    lab = await startLab({ scenario: 'erp-bot-not-admin' });
    const report = await runErpChecks(lab);
    const outgoing = byId(report, 'erp-outgoing-server');
    expect(outgoing.skipReason).toBe('insufficient-permission');
    expect(outgoing.detail).toMatch(/Administration: Settings/);
  });

  it('erp-v13: reads `type` and the OAuth flag', async () => {
    lab = await startLab({ scenario: 'erp-v13' });
    const report = await runErpChecks(lab);
    const incoming = byId(report, 'erp-incoming-server').observed.server as Record<string, unknown>;
    expect(incoming).toMatchObject({ type: 'imap', use_microsoft_outlook_service: true });
    expect(incoming).not.toHaveProperty('server_type');
    expect(byId(report, 'erp-outgoing-server').observed.server).not.toHaveProperty('from_filter');
  });

  it('erp-v17: judges the catch-all by mail.alias.domain, not the stale parameters', async () => {
    lab = await startLab({ scenario: 'erp-v17' });
    const report = await runErpChecks(lab);
    const params = byId(report, 'erp-system-params');
    expect(params.observed['mail.alias.domain']).toEqual([expect.objectContaining({ name: 'contoso.test', catchall_alias: 'erp' })]);
    expect(params.detail).toMatch(/mail\.alias\.domain/);
    expect(lab.requests.some((r) => r.key === 'mail.alias.domain.search_read')).toBe(true);
  });

  it('erp-v19: speaks JSON-2 with the API key', async () => {
    lab = await startLab({ scenario: 'erp-v19' });
    const report = await runErpChecks(lab);
    expect(byId(report, 'erp-reachable').observed).toMatchObject({ api: 'json-2', serverVersion: '19.0' });
    expect(lab.requests.some((r) => r.key === 'common.authenticate')).toBe(false);
    expect(lab.requests.some((r) => r.key === 'res.users.context_get')).toBe(true);
  });

  it('fetches each ERP source once per run and logs in once', async () => {
    lab = await startLab({ scenario: 'healthy' });
    await runErpChecks(lab);
    const keys = lab.requests.filter((r) => r.service === 'erp').map((r) => r.key);
    expect(keys.filter((k) => k === 'common.authenticate')).toHaveLength(1);
    expect(keys.filter((k) => k === '/web/webclient/version_info')).toHaveLength(1);
    expect(keys.filter((k) => k === 'ir.mail_server.search_read')).toHaveLength(1);
    expect(keys.filter((k) => k === 'fetchmail.server.search_read')).toHaveLength(1);
  });
});
