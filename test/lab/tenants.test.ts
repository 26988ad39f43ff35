import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { findScenario } from '../../lab/scenarios/index.js';
import { createHttpSend, type HttpSend } from '../../src/adapters/microsoft/http.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { runTestEmail } from '../../src/commands/test-email.js';
import { parseConfig } from '../../src/config/load.js';
import type { MailsetupConfig } from '../../src/config/schema.js';
import { createCore } from '../../src/core.js';

/** Three tenants on one set of lab servers, each checked through the real adapters. */
let lab: Lab;
let config: MailsetupConfig;
let send: HttpSend;
let services: { authorityHost: string; graphUrl: string; exchangeAdminUrl: string };

beforeAll(async () => {
  lab = await startLab({ tenants: 3 });
  config = parseConfig(lab.config, { env: {} });
  services = lab.config.services as typeof services;
  send = createHttpSend({ ca: readFileSync(lab.config.services.caFile as string, 'utf8'), timeoutMs: 5000, label: 'lab', source: 'test' });
});
afterAll(() => lab.stop());

const core = () => createCore({ config, logger: pino({ level: 'silent' }), catalogue: CATALOGUE });

/** The checks that do not pass for the `index`-th tenant (mailflow-e2e aside: status sends no mail). */
async function notPassing(index: number): Promise<Record<string, string>> {
  const { report } = await runReport({ core: core(), actor: { platform: 'cli', userId: 'tenants' } }, config.tenants[index]!, CATALOGUE);
  expect(report.tenant).toBe(config.tenants[index]!.name);
  return Object.fromEntries(report.checks.filter((c) => c.status !== 'pass' && c.id !== 'mailflow-e2e').map((c) => [c.id, c.status]));
}

const tenant = (index: number) => lab.tenants.all[index]!.tenant;
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

async function token(of: number, at: number, resource: 'graph' | 'exchange') {
  const origin = resource === 'graph' ? new URL(services.graphUrl).origin : services.exchangeAdminUrl;
  return send({
    url: `${services.authorityHost}/${tenant(at).tenantId}/oauth2/v2.0/token`,
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: tenant(of).clientId,
      client_secret: tenant(of).clientSecret,
      scope: `${origin}/.default`,
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

function invoke(accessToken: string, at: number, cmdlet = 'Get-AcceptedDomain') {
  return send({
    url: `${services.exchangeAdminUrl}/adminapi/beta/${tenant(at).tenantId}/InvokeCommand`,
    method: 'POST',
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: {} } }),
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
  });
}

describe('a lab of three tenants', () => {
  it('gives each tenant its own name, domain, ids, secrets, ERP database, egress IP and probe mailbox in the config', () => {
    expect(config.tenants.map((t) => [t.name, t.domain, t.catchallMailbox])).toEqual([
      ['contoso', 'contoso.test', 'erp@contoso.test'],
      ['tenant-002', 'tenant-002.test', 'erp@tenant-002.test'],
      ['tenant-003', 'tenant-003.test', 'erp@tenant-003.test'],
    ]);
    const distinct = (pick: (t: MailsetupConfig['tenants'][number]) => unknown) => new Set(config.tenants.map(pick)).size;
    for (const pick of [
      (t: MailsetupConfig['tenants'][number]) => t.tenantId,
      (t: MailsetupConfig['tenants'][number]) => t.microsoft?.clientId,
      (t: MailsetupConfig['tenants'][number]) => t.erp.database,
      (t: MailsetupConfig['tenants'][number]) => t.erp.url,
      (t: MailsetupConfig['tenants'][number]) => t.erpEgressIps[0],
      (t: MailsetupConfig['tenants'][number]) => t.probe?.mailbox,
    ])
      expect(distinct(pick)).toBe(3);
    // One set of servers: the same hosts and ports for every tenant.
    expect(new Set(config.tenants.map((t) => new URL(t.erp.url).origin)).size).toBe(1);
  });

  it('a scenario set on tenant 2 only fails its check there; tenants 1 and 3 pass', async () => {
    lab.setScenario('catchall-rule-disabled', 'tenant-002');
    try {
      expect(await notPassing(0)).toEqual({});
      expect(await notPassing(1)).toEqual({ 'exchange-catchall-rule': 'fail' });
      expect(await notPassing(2)).toEqual({});
    } finally {
      lab.setScenario('healthy', 'tenant-002');
    }
  });

  // One scenario per area and server: the ERP front, DNS zones, the MX (relay by the ERP's own egress IP), IMAP, Graph.
  for (const name of [
    'erp-bad-credentials',
    'erp-down',
    'spf-missing',
    'connector-ip-missing',
    'mailbox-imap-disabled',
    'graph-forbidden',
  ]) {
    it(`${name} on tenant 3 alone: tenant 3 fails what the scenario lists, tenants 1 and 2 pass`, async () => {
      lab.setScenario(name, 'tenant-003');
      try {
        expect(await notPassing(2)).toEqual(findScenario(name)!.expect);
        expect(await notPassing(0)).toEqual({});
        expect(await notPassing(1)).toEqual({});
      } finally {
        lab.setScenario('healthy', 'tenant-003');
      }
    });
  }

  it('test-email on tenant 2 goes through its own MX routing, ERP, catch-all and probe mailbox', async () => {
    const result = await runTestEmail(core(), 'tenant-002', { e2e: { deliveryTimeoutMs: 4000 } });
    expect(result.verdict).toBe('pass');
    // Tenant 2's catch-all and probe mailbox took the mail (the run cleans it up; UIDs are not given back),
    // its ERP made the lead (and deleted it); contoso's saw nothing.
    const second = lab.tenants.byName('tenant-002')!;
    expect(second.mail.mailboxes['erp@tenant-002.test']!.uidnext).toBeGreaterThan(1);
    expect(second.mail.mailboxes['probe-tenant-002@outside.test']!.uidnext).toBeGreaterThan(1);
    expect(lab.requests.filter((r) => r.key === 'crm.lead.unlink').map((r) => r.tenant)).toEqual(['tenant-002']);
    expect(Object.values(lab.state.mail.mailboxes).map((b) => b.uidnext)).toEqual([1, 1]);
  });

  it("each tenant's credentials work for its own tenant only, with the real services' errors", async () => {
    const own = await token(0, 0, 'exchange');
    expect(own.status).toBe(200);
    const accessToken = json(own.body).access_token as string;
    expect((await invoke(accessToken, 0)).status).toBe(200);

    // Tenant 1's token at tenant 2's Exchange URL: not a token tenant 2 issued.
    const foreign = await invoke(accessToken, 1);
    expect(foreign.status).toBe(401);
    expect(json(foreign.body)).toMatchObject({
      error: { code: 'Unauthorized', message: 'The access token is missing, expired or not issued for this resource.' },
    });

    // Tenant 1's app signing in at tenant 2: not in that directory (AADSTS700016).
    const elsewhere = await token(0, 1, 'exchange');
    expect(elsewhere.status).toBe(400);
    expect(json(elsewhere.body)).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(json(elsewhere.body).error_description).toContain(`not found in the directory '${tenant(1).tenantId}'`);

    // Graph routes by the token's tenant: tenant 2's token sees tenant 2's domains.
    const graphToken = json((await token(1, 1, 'graph')).body).access_token as string;
    const domains = await send({ url: `${services.graphUrl}/domains`, method: 'GET', headers: { authorization: `Bearer ${graphToken}` } });
    expect((json(domains.body).value as { id: string }[]).map((d) => d.id)).toEqual(['tenant-002.test', 'tenant-002.onmicrosoft.com']);

    // Tenant 1's ERP login at tenant 2's ERP: no such database there.
    const erp = config.tenants[0]!.erp;
    const answer = await fetch(`${config.tenants[1]!.erp.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        params: { service: 'common', method: 'authenticate', args: [erp.database, erp.login, erp.password?.reveal(), {}] },
        id: 1,
      }),
    });
    expect(((await answer.json()) as { error: { data: { message: string } } }).error.data.message).toContain(
      `database "${erp.database}" does not exist`,
    );
  });

  it("a fault scoped to one tenant delays or refuses that tenant's requests alone", async () => {
    const accessTokens = await Promise.all([0, 1].map(async (i) => json((await token(i, i, 'exchange')).body).access_token as string));
    lab.inject({ service: 'exchange', kind: 'status', status: 429, retryAfterSeconds: 1, tenant: 'tenant-002', times: 1 });
    expect((await invoke(accessTokens[0]!, 0)).status).toBe(200);
    const throttled = await invoke(accessTokens[1]!, 1);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect((await invoke(accessTokens[1]!, 1)).status).toBe(200);
    const recorded = lab.requests.filter((r) => r.service === 'exchange').slice(-3);
    expect(recorded.map((r) => r.tenant)).toEqual(['contoso', 'tenant-002', 'tenant-002']);
  });
});
