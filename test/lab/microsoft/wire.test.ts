import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { validateLabToken } from '../../../lab/microsoft/tokens.js';
import { createHttpSend, type HttpSend } from '../../../src/adapters/microsoft/http.js';

/** What crosses the wire between a client and the lab's Microsoft endpoints, read raw. */
let lab: Lab;
let send: HttpSend;
let services: { authorityHost: string; graphUrl: string; exchangeAdminUrl: string };
const tenantId = () => lab.state.tenant.tenantId;

beforeAll(async () => {
  lab = await startLab();
  services = lab.config.services as typeof services;
  send = createHttpSend({ ca: readFileSync(lab.config.services.caFile as string, 'utf8'), timeoutMs: 5000, label: 'lab', source: 'test' });
});
afterAll(async () => {
  await lab.stop();
});

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

async function token(scope: string, secret = lab.state.tenant.clientSecret) {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: lab.state.tenant.clientId,
    client_secret: secret,
    scope,
  }).toString();
  return send({
    url: `${services.authorityHost}/${tenantId()}/oauth2/v2.0/token`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

async function bearer(resource: 'graph' | 'exchange'): Promise<string> {
  const origin = resource === 'graph' ? new URL(services.graphUrl).origin : services.exchangeAdminUrl;
  return json((await token(`${origin}/.default`)).body).access_token as string;
}

function invoke(
  accessToken: string,
  input: unknown,
  headers: Record<string, string> = {},
  url = `${services.exchangeAdminUrl}/adminapi/beta/${tenantId()}/InvokeCommand`,
) {
  return send({
    url,
    method: 'POST',
    body: JSON.stringify({ CmdletInput: input }),
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers },
  });
}

describe('lab identity platform', () => {
  it('serves the tenant OpenID metadata MSAL reads', async () => {
    const response = await send({ url: `${services.authorityHost}/${tenantId()}/v2.0/.well-known/openid-configuration`, method: 'GET' });
    expect(response.status).toBe(200);
    expect(json(response.body)).toMatchObject({
      issuer: `${services.authorityHost}/${tenantId()}/v2.0`,
      token_endpoint: `${services.authorityHost}/${tenantId()}/oauth2/v2.0/token`,
      authorization_endpoint: expect.any(String),
      jwks_uri: expect.any(String),
    });
  });

  it('issues an opaque token for a resource, recorded with its audience and expiry', async () => {
    const response = await token(`${services.exchangeAdminUrl}/.default`);
    const body = json(response.body);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(validateLabToken(lab.state, body.access_token as string, 'exchange')).toEqual({ ok: true, clientId: lab.state.tenant.clientId });
    expect(validateLabToken(lab.state, 'made-up', 'exchange')).toEqual({ ok: false, reason: 'unknown' });
    expect(validateLabToken(lab.state, undefined, 'exchange')).toEqual({ ok: false, reason: 'missing' });
    const issued = lab.state.microsoft.tokens.find((t) => t.token === body.access_token);
    issued!.expiresAt = Date.now() - 1;
    expect(validateLabToken(lab.state, body.access_token as string, 'exchange')).toEqual({ ok: false, reason: 'expired' });
  });

  it('answers a wrong secret with the real AADSTS7000215 shape and HTTP 401', async () => {
    const response = await token(`${services.exchangeAdminUrl}/.default`, 'not-the-secret');
    expect(response.status).toBe(401);
    const body = json(response.body);
    expect(body).toMatchObject({
      error: 'invalid_client',
      error_codes: [7000215],
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
    });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\..*Trace ID: .* Correlation ID: .* Timestamp: /);
  });

  it('refuses scopes of resources it does not host', async () => {
    const response = await token('https://graph.microsoft.com/.default');
    expect(response.status).toBe(400);
    expect(json(response.body)).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
  });
});

describe('lab Microsoft Graph', () => {
  it('requires a Graph token and answers with the Graph error shape', async () => {
    const none = await send({ url: `${services.graphUrl}/domains`, method: 'GET' });
    expect(none.status).toBe(401);
    const exchangeToken = await bearer('exchange');
    const wrong = await send({ url: `${services.graphUrl}/domains`, method: 'GET', headers: { authorization: `Bearer ${exchangeToken}` } });
    expect(wrong.status).toBe(401);
    expect(json(wrong.body)).toMatchObject({
      error: {
        code: 'InvalidAuthenticationToken',
        message: 'Access token validation failure. Invalid audience.',
        innerError: { date: expect.any(String), 'request-id': expect.any(String), 'client-request-id': expect.any(String) },
      },
    });
  });

  it('pages with $top and @odata.nextLink and honours $select', async () => {
    const auth = { authorization: `Bearer ${await bearer('graph')}` };
    const first = json((await send({ url: `${services.graphUrl}/users?$top=2&$select=id,mail`, method: 'GET', headers: auth })).body);
    expect(first['@odata.context']).toBe(`${services.graphUrl}/$metadata#users(id,mail)`);
    expect(first.value).toEqual([
      { id: expect.any(String), mail: 'erp@contoso.test' },
      { id: expect.any(String), mail: 'alice@contoso.test' },
    ]);
    const next = first['@odata.nextLink'] as string;
    expect(next).toMatch(/\$top=2.*\$skiptoken=/);
    const second = json((await send({ url: next, method: 'GET', headers: auth })).body);
    expect((second.value as unknown[]).length).toBe(2);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('returns only the default user properties without $select, as v1.0 does', async () => {
    const auth = { authorization: `Bearer ${await bearer('graph')}` };
    const one = json((await send({ url: `${services.graphUrl}/users/erp@contoso.test`, method: 'GET', headers: auth })).body);
    const page = json((await send({ url: `${services.graphUrl}/users`, method: 'GET', headers: auth })).body);
    for (const user of [one, ...(page.value as Record<string, unknown>[])]) {
      expect(user).toMatchObject({ id: expect.any(String), userPrincipalName: expect.any(String) });
      for (const hidden of ['accountEnabled', 'assignedLicenses', 'assignedPlans', 'createdDateTime', 'proxyAddresses']) {
        expect(user).not.toHaveProperty(hidden);
      }
    }
    const named = json(
      (
        await send({
          url: `${services.graphUrl}/users/erp@contoso.test?$select=id,accountEnabled,createdDateTime`,
          method: 'GET',
          headers: auth,
        })
      ).body,
    );
    expect(named).toMatchObject({ id: expect.any(String), accountEnabled: true, createdDateTime: expect.any(String) });
  });
});

describe('lab Exchange admin endpoint', () => {
  it('answers Get cmdlets with value, paging at Prefer: odata.maxpagesize', async () => {
    const accessToken = await bearer('exchange');
    const first = json(
      (await invoke(accessToken, { CmdletName: 'Get-AcceptedDomain', Parameters: {} }, { prefer: 'odata.maxpagesize=1' })).body,
    );
    expect(first['@odata.context']).toContain('$metadata#Collection(Exchange.GenericHashTable)');
    expect(first.value).toEqual([expect.objectContaining({ DomainName: 'contoso.test', DomainType: 'InternalRelay' })]);
    const next = first['@odata.nextLink'] as string;
    const second = json(
      (await invoke(accessToken, { CmdletName: 'Get-AcceptedDomain', Parameters: {} }, { prefer: 'odata.maxpagesize=1' }, next)).body,
    );
    expect(second.value).toEqual([expect.objectContaining({ DomainName: 'contoso.onmicrosoft.com' })]);
  });

  it('annotates multi-valued properties as the real answers do', async () => {
    const body = json((await invoke(await bearer('exchange'), { CmdletName: 'Get-InboundConnector', Parameters: {} })).body);
    expect((body.value as Record<string, unknown>[])[0]).toMatchObject({
      SenderIPAddresses: ['203.0.113.10'],
      'SenderIPAddresses@data.type': '#Collection(String)',
    });
  });

  it('reports a missing object with details[].message and innererror like Exchange', async () => {
    const response = await invoke(await bearer('exchange'), { CmdletName: 'Get-Mailbox', Parameters: { Identity: 'ghost@contoso.test' } });
    expect(response.status).toBe(404);
    const error = json(response.body).error as Record<string, unknown>;
    expect(error).toMatchObject({
      code: 'NotFound',
      message: 'Error executing cmdlet',
      innererror: { internalexception: { message: expect.stringContaining("object 'ghost@contoso.test' couldn't be found") } },
    });
    expect((error.details as { message: string }[])[0]?.message).toMatch(
      /^Ex[0-9A-F]{6}\|Microsoft\.Exchange\.Configuration\.Tasks\.ManagementObjectNotFoundException\|/,
    );
  });

  it('answers Get-Recipient by display name, alias, SMTP address and Guid, and ManagementObjectNotFoundException otherwise', async () => {
    const accessToken = await bearer('exchange');
    const ids = [];
    for (const identity of ['ERP Notification', 'erp', 'erp@contoso.test', 'All Users', 'DynamicAllUsers']) {
      const response = await invoke(accessToken, { CmdletName: 'Get-Recipient', Parameters: { Identity: identity } });
      expect(response.status, identity).toBe(200);
      const [recipient] = json(response.body).value as Record<string, unknown>[];
      ids.push(recipient?.Guid);
    }
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(new Set(ids.slice(3)).size).toBe(1);
    const byGuid = await invoke(accessToken, { CmdletName: 'Get-Recipient', Parameters: { Identity: ids[0] } });
    expect((json(byGuid.body).value as Record<string, unknown>[])[0]).toMatchObject({ PrimarySmtpAddress: 'erp@contoso.test' });
    const missing = await invoke(accessToken, { CmdletName: 'Get-Recipient', Parameters: { Identity: 'ERP Notifications (old)' } });
    expect(missing.status).toBe(404);
    expect(((json(missing.body).error as { details: { message: string }[] }).details[0]?.message ?? '').split('|').slice(1)).toEqual([
      'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      "The operation couldn't be performed because object 'ERP Notifications (old)' couldn't be found on 'AM0PR01A001DC01.EURPR01A001.PROD.OUTLOOK.COM'.",
    ]);
  });

  it('hides exactly the cmdlets of a missing role, with CommandNotFoundException as for an unknown command', async () => {
    const roles = lab.state.microsoft.appRoles.exchangeRoles;
    lab.state.microsoft.appRoles.exchangeRoles = roles.filter((r) => r !== 'View-Only Recipients' && r !== 'Mail Recipients');
    try {
      const accessToken = await bearer('exchange');
      const rules = await invoke(accessToken, { CmdletName: 'Get-TransportRule', Parameters: {} });
      expect(rules.status).toBe(200);
      const hidden = await invoke(accessToken, { CmdletName: 'Get-Recipient', Parameters: { Identity: 'erp' } });
      expect(hidden.status).toBe(400);
      const error = json(hidden.body).error as { details: { message: string }[]; innererror: { internalexception: { type: string } } };
      expect(error.details[0]?.message.split('|').slice(1)).toEqual([
        'System.Management.Automation.CommandNotFoundException',
        "The term 'Get-Recipient' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
      ]);
      expect(error.innererror.internalexception.type).toBe('System.Management.Automation.CommandNotFoundException');
      const mailbox = await invoke(accessToken, { CmdletName: 'Get-Mailbox', Parameters: { Identity: 'erp' } });
      expect(mailbox.status).toBe(400);
    } finally {
      lab.state.microsoft.appRoles.exchangeRoles = roles;
    }
  });

  it('binds parameters by name and JSON type only', async () => {
    const accessToken = await bearer('exchange');
    const unknown = await invoke(accessToken, { CmdletName: 'Get-TransportRule', Parameters: { Filter: "Name -like '*'" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("A parameter cannot be found that matches parameter name 'Filter'.");
    const typed = await invoke(accessToken, { CmdletName: 'Get-Mailbox', Parameters: { Identity: { $gt: '' } } });
    expect(typed.status).toBe(400);
    const script = await invoke(accessToken, { CmdletName: 'Get-Mailbox; Remove-Mailbox', Parameters: {} });
    expect(script.body).toContain('is not recognized as a name of a cmdlet');
  });

  it('refuses an app without an Exchange role with 403 and the real sentence', async () => {
    lab.state.microsoft.appRoles.exchangeRole = false;
    try {
      const response = await invoke(await bearer('exchange'), { CmdletName: 'Get-OrganizationConfig', Parameters: {} });
      expect(response.status).toBe(403);
      expect(json(response.body)).toMatchObject({
        error: {
          message: expect.stringContaining(
            `The role assigned to application ${lab.state.tenant.clientId} isn't supported in this scenario.`,
          ),
        },
      });
    } finally {
      lab.state.microsoft.appRoles.exchangeRole = true;
    }
  });

  it('rejects a Graph token', async () => {
    const response = await invoke(await bearer('graph'), { CmdletName: 'Get-OrganizationConfig', Parameters: {} });
    expect(response.status).toBe(401);
  });
});

describe('lab Graph: Entra groups, for the Teams bot app only', () => {
  async function botGraphToken(tenant: string) {
    const { botApp } = lab.state.microsoft;
    return send({
      url: `${services.authorityHost}/${tenant}/oauth2/v2.0/token`,
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: botApp.appId,
        client_secret: botApp.password,
        scope: `${new URL(services.graphUrl).origin}/.default`,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  const get = (path: string, accessToken: string) =>
    send({ url: `${services.graphUrl}${path}`, method: 'GET', headers: { authorization: `Bearer ${accessToken}` } });

  it('issues the bot app a Graph token at its tenant (with its roles), not at botframework.com', async () => {
    const answer = await botGraphToken(tenantId());
    expect(answer.status).toBe(200);
    const accessToken = json(answer.body).access_token as string;
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ appid: lab.state.microsoft.botApp.appId, tid: tenantId(), roles: ['GroupMember.Read.All'] });
    expect((await botGraphToken('botframework.com')).status).toBe(400);
  });

  it('the bot app reads group members but not users; the checking app reads users but not groups', async () => {
    const botToken = json((await botGraphToken(tenantId())).body).access_token as string;
    const group = lab.state.microsoft.graph.groups[0]?.id as string;
    const members = await get(`/groups/${group}/transitiveMembers/microsoft.graph.user?$select=id`, botToken);
    expect(members.status).toBe(200);
    expect(json(members.body)['@odata.nextLink']).toMatch(
      new RegExp(`/v1\\.0/groups/${group}/transitiveMembers/microsoft\\.graph\\.user\\?\\$select=id&\\$skiptoken=`),
    );
    expect((await get('/users', botToken)).status).toBe(403);
    const appToken = await bearer('graph');
    expect((await get('/users', appToken)).status).toBe(200);
    const refused = await get(`/groups/${group}/transitiveMembers/microsoft.graph.user`, appToken);
    expect(refused.status).toBe(403);
    expect(json(refused.body).error).toMatchObject({ code: 'Authorization_RequestDenied' });
    const person = await get(`/groups/${lab.state.microsoft.graph.users[0]?.id}/transitiveMembers/microsoft.graph.user`, botToken);
    expect(person.status).toBe(404);
    expect(json(person.body).error).toMatchObject({ code: 'Request_ResourceNotFound' });
  });
});
