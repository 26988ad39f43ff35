import { afterEach, describe, expect, it } from 'vitest';
import { matchDomain } from '../../../lab/erp/domain.js';
import { type ErpLab, startErpOnly } from '../../adapters/erp/erp-lab.js';

let lab: ErpLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${lab!.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: wire bodies are inspected freely in assertions
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function executeKw(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}, password?: string) {
  const erp = lab!.state.erp;
  return post('/jsonrpc', {
    jsonrpc: '2.0',
    method: 'call',
    id: 9,
    params: { service: 'object', method: 'execute_kw', args: [erp.database, 7, password ?? erp.bot.password, model, method, args, kwargs] },
  });
}

function json2(model: string, method: string, body: Record<string, unknown>, key?: string) {
  return post(`/json/2/${model}/${method}`, body, {
    Authorization: `bearer ${key ?? lab!.state.erp.bot.apiKey}`,
    'X-Odoo-Database': lab!.state.erp.database,
  });
}

describe('lab ERP wire: JSON-RPC (16)', () => {
  it('answers version_info without login, and has no /web/version before 19', async () => {
    lab = await startErpOnly();
    const info = await post('/web/webclient/version_info', { jsonrpc: '2.0', method: 'call', params: {}, id: 1 });
    expect(info).toEqual({
      status: 200,
      body: {
        jsonrpc: '2.0',
        id: 1,
        result: { server_version: '16.0', server_version_info: [16, 0, 0, 'final', 0, ''], server_serie: '16.0', protocol_version: 1 },
      },
    });
    expect((await fetch(`${lab.url}/web/version`)).status).toBe(404);
    expect((await fetch(`${lab.url}/json/2/res.users/context_get`, { method: 'POST' })).status).toBe(404);
  });

  it('authenticate gives the uid or false (no error)', async () => {
    lab = await startErpOnly();
    const erp = lab.state.erp;
    const call = (password: string) =>
      post('/jsonrpc', {
        jsonrpc: '2.0',
        method: 'call',
        id: 2,
        params: { service: 'common', method: 'authenticate', args: [erp.database, 'mailsetup-bot', password, {}] },
      });
    expect((await call(erp.bot.password)).body.result).toBe(7);
    expect((await call(erp.bot.apiKey)).body.result).toBe(7);
    expect((await call('wrong')).body.result).toBe(false);
  });

  it('errors are HTTP 200 with error.data.name, message, arguments, debug', async () => {
    lab = await startErpOnly();
    const denied = await executeKw('crm.team', 'search_read', [[]], {}, 'wrong');
    expect(denied.status).toBe(200);
    expect(denied.body.error).toMatchObject({
      code: 200,
      message: 'Odoo Server Error',
      data: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied', arguments: ['Access Denied'], context: {} },
    });
    expect(denied.body.error.data.debug).toMatch(/^Traceback/);
    expect(JSON.stringify(denied.body)).not.toContain(lab.state.erp.bot.password);

    const missing = await executeKw('mail.alias.domain', 'search_read', [[]]);
    expect(missing.body.error.data).toMatchObject({ name: 'odoo.exceptions.UserError', message: "Object mail.alias.domain doesn't exist" });
    const privateCall = await executeKw('fetchmail.server', '_fetch_mails', []);
    expect(privateCall.body.error.data).toMatchObject({
      name: 'odoo.exceptions.AccessError',
      message: 'Private methods (such as _fetch_mails) cannot be called remotely.',
    });
    const badValue = await executeKw('ir.mail_server', 'write', [[1], { smtp_encryption: 'tls13' }]);
    expect(badValue.body.error.data).toMatchObject({
      name: 'builtins.ValueError',
      message: 'Wrong value for ir.mail_server.smtp_encryption: "tls13"',
    });
  });

  it('12–14 add exception_type to the error data', async () => {
    lab = await startErpOnly({ version: 14 });
    const denied = await executeKw('crm.team', 'search_read', [[]], {}, 'wrong');
    expect(denied.body.error.data).toMatchObject({ name: 'odoo.exceptions.AccessDenied', exception_type: 'access_denied' });
  });

  it('takes positional or named arguments, writes, and records each call', async () => {
    lab = await startErpOnly();
    const positional = await executeKw('ir.config_parameter', 'search_read', [
      [['key', 'in', ['web.base.url', 'web.base.url.freeze']]],
      ['key', 'value'],
    ]);
    expect(positional.body.result).toEqual([
      { id: 1, key: 'web.base.url', value: 'https://erp.contoso.test' },
      { id: 2, key: 'web.base.url.freeze', value: 'True' },
    ]);
    expect((await executeKw('ir.mail_server', 'write', [[1]], { vals: { smtp_port: 587 } })).body.result).toBe(true);
    expect((await executeKw('ir.mail_server', 'read', [[1], ['smtp_port', 'smtp_user']])).body.result).toEqual([
      { id: 1, smtp_port: 587, smtp_user: false },
    ]);
    expect(lab.keys()).toEqual(['ir.config_parameter.search_read', 'ir.mail_server.write', 'ir.mail_server.read']);
  });

  it('fields_get follows the version: `type` on 13, `server_type` with outlook on 16', async () => {
    lab = await startErpOnly({ version: 13 });
    const v13 = await executeKw('fetchmail.server', 'fields_get', [], { attributes: ['type', 'selection'] });
    expect(v13.body.result).toHaveProperty('type');
    expect(v13.body.result).not.toHaveProperty('server_type');
    expect(v13.body.result).toHaveProperty('use_microsoft_outlook_service');
    await lab.stop();
    lab = await startErpOnly();
    const v16 = await executeKw('fetchmail.server', 'fields_get', [], { attributes: ['selection'] });
    expect(v16.body.result.server_type.selection.map((s: string[]) => s[0])).toEqual(['pop', 'imap', 'local', 'outlook']);
    expect(v16.body.result.error_notice_template_id).toEqual({});
  });

  it('applies faults by request key and counts them down', async () => {
    lab = await startErpOnly();
    lab.state.faults.push({ service: 'erp', kind: 'status', status: 503, match: 'crm.team', times: 1 });
    expect(
      (
        await fetch(`${lab.url}/jsonrpc`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ params: { service: 'object', method: 'execute_kw', args: ['d', 7, 'p', 'crm.team', 'search'] } }),
        })
      ).status,
    ).toBe(503);
    expect(lab.state.faults).toEqual([]);
  });
});

describe('lab ERP wire: JSON-2 (19)', () => {
  it('serves /web/version and named-argument calls with a bearer key', async () => {
    lab = await startErpOnly({ version: 19 });
    expect(await (await fetch(`${lab.url}/web/version`)).json()).toEqual({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
    expect(await json2('res.users', 'context_get', {})).toEqual({ status: 200, body: { lang: 'en_US', tz: 'Europe/Brussels', uid: 7 } });
    const teams = await json2('crm.team', 'search_read', { domain: [['alias_name', '=', 'sales']], fields: ['name', 'alias_contact'] });
    expect(teams).toEqual({ status: 200, body: [{ id: 1, name: 'Sales', alias_contact: 'everyone' }] });
  });

  it('errors carry the HTTP status and {name, message, arguments, context, debug}', async () => {
    lab = await startErpOnly({ version: 19 });
    const unauthorized = await json2('crm.team', 'search_read', { domain: [] }, 'not-a-key');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toMatchObject({
      name: 'werkzeug.exceptions.Unauthorized',
      message: 'Invalid apikey',
      arguments: ['Invalid apikey', 401],
      context: {},
    });
    expect(Object.keys(unauthorized.body).sort()).toEqual(['arguments', 'context', 'debug', 'message', 'name']);

    const missingModel = await json2('no.model', 'search_read', { domain: [] });
    expect(missingModel).toMatchObject({
      status: 404,
      body: { name: 'werkzeug.exceptions.NotFound', message: "the model 'no.model' does not exist" },
    });

    lab.state.erp.users.find((u) => u.login === 'mailsetup-bot')!.groups = ['base.group_user'];
    const forbidden = await json2('ir.mail_server', 'search_read', { domain: [] });
    expect(forbidden).toMatchObject({ status: 403, body: { name: 'odoo.exceptions.AccessError' } });

    const wrongIds = await json2('crm.team', 'search_read', { ids: [1], domain: [] });
    expect(wrongIds.status).toBe(422);
  });
});

describe('lab ERP domain filter', () => {
  const rec: Record<string, unknown> = {
    id: 5,
    name: 'Quote [tok-1]',
    team_id: 3,
    create_date: '2026-01-02 10:00:00',
    active: true,
    email_from: null,
  };
  const match = (domain: unknown[]) =>
    matchDomain(
      domain,
      (f) => (f === 'id' ? rec.id : rec[f]),
      (f) => f in rec,
    );

  it('handles leaves, implicit and, and prefix operators', () => {
    expect(match([])).toBe(true);
    expect(
      match([
        ['name', 'ilike', 'TOK-1'],
        ['team_id', '=', 3],
      ]),
    ).toBe(true);
    expect(match([['team_id', 'in', [1, 2]]])).toBe(false);
    expect(match(['|', ['team_id', 'in', [1, 2]], ['id', '=', 5]])).toBe(true);
    expect(match(['&', ['create_date', '>=', '2026-01-01 00:00:00'], ['create_date', '<=', '2026-01-01 23:59:59']])).toBe(false);
    expect(match(['!', ['team_id', '!=', 3]])).toBe(true);
    expect(match([['email_from', '=', false]])).toBe(true);
    expect(() => match([['nope', '=', 1]])).toThrow(/Invalid field "nope"/);
  });
});
