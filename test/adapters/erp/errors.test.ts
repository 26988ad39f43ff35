import { afterEach, describe, expect, it } from 'vitest';
import { isMailsetupError, type MailsetupError } from '../../../src/errors.js';
import { type ErpLab, startErpOnly } from './erp-lab.js';

let lab: ErpLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function failure(promise: Promise<unknown>): Promise<MailsetupError> {
  try {
    await promise;
  } catch (error) {
    if (isMailsetupError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Nothing the bot says may carry its ERP password or API key. */
function expectNoSecret(error: MailsetupError, l: ErpLab): void {
  const text = `${error.userMessage} ${JSON.stringify(error.details ?? {})}`;
  expect(text).not.toContain(l.state.erp.bot.password);
  expect(text).not.toContain(l.state.erp.bot.apiKey);
}

for (const version of [16, 19]) {
  const api = version >= 19 ? 'json-2' : 'json-rpc';

  describe(`ERP adapter errors on ${version} (${api})`, () => {
    it('picks the API by version', async () => {
      lab = await startErpOnly({ version });
      const session = await lab.client.login();
      expect(session).toMatchObject({ api, uid: 7, login: 'mailsetup-bot', userEmail: 'mailsetup-bot@contoso.test' });
      expect(session.version).toMatchObject({ major: version, serverVersion: `${version}.0` });
    });

    it('bad credentials → AuthFailed naming the login', async () => {
      lab = await startErpOnly({
        version,
        change: (s) => {
          const bot = s.erp.users.find((u) => u.login === 'mailsetup-bot')!;
          bot.password = 'someone-else-changed-it';
          bot.apiKeys = [];
        },
      });
      const error = await failure(lab.client.login());
      expect(error.code).toBe('AuthFailed');
      expect(error.message).toContain('"mailsetup-bot"');
      expect(error.hint).toMatch(/tenants\[\]\.erp\.(password|apiKey)/);
      expectNoSecret(error, lab);
    });

    it('access denied → InsufficientPermission naming the right to give', async () => {
      lab = await startErpOnly({
        version,
        change: (s) => {
          const bot = s.erp.users.find((u) => u.login === 'mailsetup-bot')!;
          bot.groups = ['base.group_user'];
        },
      });
      const error = await failure(lab.client.outgoingServers());
      expect(error.code).toBe('InsufficientPermission');
      expect(error.message).toMatch(/ir\.mail_server/);
      expect(error.hint).toMatch(/Administration: Settings/);
      expect(error.message).not.toContain('\n');
    });

    it('missing model and unknown field → MissingModelOrField', async () => {
      lab = await startErpOnly({ version });
      const missingModel = await failure(lab.client.searchRead('no.such.model', [], ['name']));
      expect(missingModel.code).toBe('MissingModelOrField');
      expect(missingModel.message).toContain('no.such.model');
      const missingField = await failure(lab.client.searchRead('crm.team', [], ['no_such_field']));
      expect(missingField.code).toBe('MissingModelOrField');
      expect(missingField.message).toContain('no_such_field');
    });

    it('a UserError → RemoteUserError keeping the ERP message', async () => {
      lab = await startErpOnly({
        version,
        mailOps: {
          testSmtp: async () => {
            throw Object.assign(new Error('550 5.7.64 TenantAttribution; Relay Access Denied'), { kind: 'refused', stage: 'RCPT TO' });
          },
          testImap: async () => {},
          fetchUnseen: async () => [],
          send: async () => {},
        },
      });
      const error = await failure(lab.client.call('ir.mail_server', 'test_smtp_connection', [1]));
      expect(error.code).toBe('RemoteUserError');
      expect(error.message).toContain('The server refused the test recipient (noreply@odoo.com) with error 550 5.7.64 TenantAttribution');
    });

    it('a missing record → NotFound', async () => {
      lab = await startErpOnly({ version });
      expect((await failure(lab.client.read('crm.lead', [999], ['name']))).code).toBe('NotFound');
    });

    it('no answer in time → AdapterTimeout', async () => {
      lab = await startErpOnly({ version, timeoutMs: 300 });
      await lab.client.login();
      lab.state.faults.push({ service: 'erp', kind: 'timeout', match: 'ir.mail_server' });
      const error = await failure(lab.client.outgoingServers());
      expect(error.code).toBe('AdapterTimeout');
      expect(error.message).toMatch(/did not answer .* within 0\.3 s/);
    });

    it('a garbled answer → GarbledResponse', async () => {
      lab = await startErpOnly({ version });
      await lab.client.login();
      lab.state.faults.push({ service: 'erp', kind: 'malformed', match: 'fetchmail.server' });
      const error = await failure(lab.client.incomingServers());
      expect(error.code).toBe('GarbledResponse');
      expect(error.message).toMatch(/not the ERP's JSON API/);
    });

    it('valid JSON of the wrong shape → GarbledResponse', async () => {
      lab = await startErpOnly({ version });
      await lab.client.login();
      // search_read must answer a list of records; this answers an object.
      const body = version >= 19 ? '{"records": 1}' : '{"jsonrpc": "2.0", "id": 1, "result": {"records": 1}}';
      lab.state.faults.push({ service: 'erp', kind: 'status', status: 200, body, match: 'ir.config_parameter' });
      const error = await failure(lab.client.systemParams(['web.base.url']));
      expect(error.code).toBe('GarbledResponse');
      expect(error.message).toBe(`The ERP at ${lab.url} answered ir.config_parameter.search_read with data of an unexpected shape.`);
    });

    it('HTTP 502 from a proxy → AdapterUnavailable; 429 → AdapterThrottled with Retry-After', async () => {
      lab = await startErpOnly({ version });
      await lab.client.login();
      lab.state.faults.push({ service: 'erp', kind: 'status', status: 502, match: 'ir.config_parameter', times: 1 });
      const bad = await failure(lab.client.systemParams(['web.base.url']));
      expect(bad.code).toBe('AdapterUnavailable');
      expect(bad.message).toContain('HTTP 502');
      lab.state.faults.push({ service: 'erp', kind: 'status', status: 429, retryAfterSeconds: 7, match: 'ir.config_parameter', times: 1 });
      const throttled = await failure(lab.client.systemParams(['web.base.url']));
      expect(throttled.code).toBe('AdapterThrottled');
      expect(throttled.details).toMatchObject({ retryAfterSeconds: 7 });
      // The faults are used up: the next call works.
      expect(await lab.client.systemParams(['web.base.url'])).toEqual({ 'web.base.url': 'https://erp.contoso.test' });
    });

    it('a cut connection → ConnectionLost', async () => {
      lab = await startErpOnly({ version });
      await lab.client.login();
      lab.state.faults.push({ service: 'erp', kind: 'close', match: 'crm.team' });
      expect((await failure(lab.client.salesTeams('Sales', 'sales'))).code).toBe('ConnectionLost');
    });

    it('a refused connection → AdapterUnavailable naming the URL', async () => {
      lab = await startErpOnly({ version });
      const url = lab.url;
      await lab.stop();
      const error = await failure(lab.newClient().version());
      lab = undefined;
      expect(error.code).toBe('AdapterUnavailable');
      expect(error.message).toBe(`The ERP at ${url} refused the connection (nothing listens on ${url.replace('http://', '')}).`);
    });
  });
}

describe('ERP adapter login', () => {
  it('logs in once for concurrent reads', async () => {
    lab = await startErpOnly();
    await Promise.all([
      lab.client.outgoingServers(),
      lab.client.incomingServers(),
      lab.client.systemParams(['web.base.url']),
      lab.client.login(),
    ]);
    expect(lab.keys().filter((k) => k === 'common.authenticate')).toHaveLength(1);
    expect(lab.keys().filter((k) => k === '/web/webclient/version_info')).toHaveLength(1);
  });

  it('remembers a refused login instead of retrying it per source', async () => {
    lab = await startErpOnly({
      change: (s) => {
        s.erp.users.find((u) => u.login === 'mailsetup-bot')!.password = 'changed';
      },
    });
    const results = await Promise.allSettled([lab.client.login(), lab.client.outgoingServers(), lab.client.incomingServers()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(lab.keys().filter((k) => k === 'common.authenticate')).toHaveLength(1);
  });

  it('logs in again after the password changed under it', async () => {
    lab = await startErpOnly();
    await lab.client.login();
    const bot = lab.state.erp.users.find((u) => u.login === 'mailsetup-bot')!;
    const password = bot.password;
    bot.password = 'rotated-by-admin';
    expect((await failure(lab.client.outgoingServers())).code).toBe('AuthFailed');
    bot.password = password;
    await lab.client.outgoingServers();
    expect(lab.keys().filter((k) => k === 'common.authenticate')).toHaveLength(2);
  });

  it('a wrong database → AuthFailed naming the database', async () => {
    lab = await startErpOnly({
      change: (s) => {
        s.erp.database = 'renamed-db';
      },
    });
    // The config was written with the renamed database; ask for another one.
    const { createErpClient } = await import('../../../src/adapters/erp/client.js');
    const { Secret } = await import('../../../src/config/secret.js');
    const client = createErpClient({
      url: lab.url,
      database: 'contoso-prod',
      login: 'mailsetup-bot',
      password: new Secret(lab.state.erp.bot.password, 'inline'),
      timeoutMs: 2000,
    });
    const error = await failure(client.login());
    expect(error.code).toBe('AuthFailed');
    expect(error.message).toBe('The ERP has no database "contoso-prod".');
  });

  it('on 19, a wrong API key → AuthFailed from HTTP 401 "Invalid apikey"', async () => {
    lab = await startErpOnly({
      version: 19,
      change: (s) => {
        s.erp.users.find((u) => u.login === 'mailsetup-bot')!.apiKeys = ['another-key'];
      },
    });
    const error = await failure(lab.client.login());
    expect(error.code).toBe('AuthFailed');
    expect(error.details).toMatchObject({ httpStatus: 401, erpError: 'werkzeug.exceptions.Unauthorized' });
    expectNoSecret(error, lab);
  });
});
