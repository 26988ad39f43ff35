import { afterEach, describe, expect, it } from 'vitest';
import { type ErpLab, startErpOnly } from '../../adapters/erp/erp-lab.js';

/** The lab ERP refuses what real Odoo refuses: JSON routes with another Content-Type, unknown keywords. */
let lab: ErpLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function raw(path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${lab!.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    accept: response.headers.get('accept'),
    text: await response.text(),
  };
}

function executeKw(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) {
  const erp = lab!.state.erp;
  const body = {
    jsonrpc: '2.0',
    method: 'call',
    id: 3,
    params: { service: 'object', method: 'execute_kw', args: [erp.database, 7, erp.bot.password, model, method, args, kwargs] },
  };
  return raw('/jsonrpc', body, { 'Content-Type': 'application/json' });
}

const VERSION_CALL = { jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'common', method: 'version', args: [] } };

describe('a JSON route called with another Content-Type', () => {
  it('16: 400 Bad Request, "Request inferred type is compatible with [\'http\']"', async () => {
    lab = await startErpOnly({ version: 16 });
    const answer = await raw('/jsonrpc', VERSION_CALL, { 'Content-Type': 'text/plain' });
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain(
      'Request inferred type is compatible with [&#39;http&#39;] but &#39;/jsonrpc&#39; is type=&#39;json&#39;.',
    );
  });

  it('17: 415 Unsupported Media Type with Accept, also for version_info', async () => {
    lab = await startErpOnly({ version: 17 });
    const answer = await raw('/web/webclient/version_info', {}, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(answer).toMatchObject({ status: 415, accept: 'application/json, application/json-rpc' });
    expect(answer.text).toContain('Please verify the Content-Type request header and try again.');
  });

  it('19 JSON-2: only application/json (not application/json-rpc)', async () => {
    lab = await startErpOnly({ version: 19 });
    const key = lab.state.erp.bot.apiKey;
    const answer = await raw(
      '/json/2/res.users/context_get',
      {},
      { 'Content-Type': 'application/json-rpc', Authorization: `bearer ${key}` },
    );
    expect(answer).toMatchObject({ status: 415, accept: 'application/json' });
    expect(answer.text).toContain('is type=&#39;/json/2/rpc&#39;');
    const ok = await raw(
      '/json/2/res.users/context_get',
      {},
      { 'Content-Type': 'application/json; charset=utf-8', Authorization: `bearer ${key}` },
    );
    expect(ok.status).toBe(200);
  });

  it("12–15: the route wrapper's BadRequest", async () => {
    lab = await startErpOnly({ version: 13 });
    const answer = await raw('/jsonrpc', VERSION_CALL, {});
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(
      'Function declared as capable of handling request of type &#39;json&#39; but called with a request of type &#39;http&#39;',
    );
  });
});

describe('an unknown keyword argument', () => {
  it("JSON-RPC: Python's TypeError in the error envelope (HTTP 200)", async () => {
    lab = await startErpOnly({ version: 16 });
    const answer = await executeKw('crm.team', 'search_count', [[]], { limitt: 3 });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).error.data).toMatchObject({
      name: 'builtins.TypeError',
      message: "BaseModel.search_count() got an unexpected keyword argument 'limitt'",
    });
  });

  it('JSON-RPC: search_read passes unknown keywords to read (14+), which refuses them', async () => {
    lab = await startErpOnly({ version: 17 });
    const answer = await executeKw('crm.team', 'search_read', [], { domain: [], fields: ['name'], feilds: ['x'] });
    expect(JSON.parse(answer.text).error.data.message).toBe("BaseModel.read() got an unexpected keyword argument 'feilds'");
  });

  it('JSON-2: 422 UnprocessableEntity with the signature-binding message', async () => {
    lab = await startErpOnly({ version: 19 });
    const answer = await raw(
      '/json/2/ir.mail_server/test_smtp_connection',
      { ids: [1], verbose: true },
      { 'Content-Type': 'application/json', Authorization: `bearer ${lab.state.erp.bot.apiKey}` },
    );
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.text)).toMatchObject({
      name: 'werkzeug.exceptions.UnprocessableEntity',
      message: "got an unexpected keyword argument 'verbose'",
    });
  });
});

describe("the bot's own requests pass", () => {
  for (const version of [13, 16, 17, 19]) {
    it(`every read and test the adapter makes succeeds on ${version}`, async () => {
      lab = await startErpOnly({ version });
      const erp = lab.client;
      const outgoing = await erp.outgoingServers();
      const incoming = await erp.incomingServers();
      await expect(
        Promise.all([
          erp.installedModules(['fetchmail_notify_error_to_sender']),
          erp.systemParams(['web.base.url', 'mail.catchall.domain']),
          erp.aliasDomains(),
          erp.salesTeams('Sales', 'sales'),
          erp.fetchCron(),
          erp.testOutgoingServer(outgoing[0]!.id),
          erp.fieldsGet('fetchmail.server'),
        ]),
      ).resolves.toHaveLength(7);
      expect(incoming).toBeDefined();
    });
  }
});
