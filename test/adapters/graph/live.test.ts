import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { GRAPH_LAB_PAGE_SIZE } from '../../../lab/microsoft/graph.js';
import { createGraphAdapter } from '../../../src/adapters/graph/live.js';
import type { GraphPort } from '../../../src/adapters/graph/port.js';
import { createTokenProvider } from '../../../src/adapters/microsoft/tokens.js';
import { MailsetupError } from '../../../src/errors.js';
import { adapterOptions, labConfig } from '../../lab/microsoft/harness.js';

let lab: Lab;
let graph: GraphPort;

beforeAll(async () => {
  lab = await startLab();
  const options = adapterOptions(labConfig(lab, {}, { fetchMs: 1000 }));
  graph = createGraphAdapter(options, createTokenProvider(options));
});
afterAll(async () => {
  await lab.stop();
});

function graphRequests(from: number, fragment: string) {
  return lab.requests.slice(from).filter((r) => r.service === 'graph' && r.key.includes(fragment));
}

async function failure(promise: Promise<unknown>): Promise<MailsetupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailsetupError);
  return error as MailsetupError;
}

describe('Graph adapter against the lab', () => {
  it('follows @odata.nextLink until every user is read, with the selected fields', async () => {
    const from = lab.requests.length;
    const users = await graph.listUsers();
    expect(users.map((u) => u.userPrincipalName)).toEqual(lab.state.microsoft.graph.users.map((u) => u.userPrincipalName));
    expect(lab.state.microsoft.graph.users.length).toBeGreaterThan(GRAPH_LAB_PAGE_SIZE);
    const pages = graphRequests(from, 'GET /v1.0/users?');
    expect(pages).toHaveLength(2);
    expect(pages[1]?.key).toContain('$skiptoken=');
    const erp = users.find((u) => u.userPrincipalName === 'erp@contoso.test');
    expect(erp).toMatchObject({ accountEnabled: true, assignedLicenses: [{ skuId: expect.any(String), disabledPlans: [] }] });
    expect(erp?.createdDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(erp).not.toHaveProperty('licenseDetails');
  });

  it('reads a user by UPN, and null for one that does not exist', async () => {
    expect((await graph.getUser('erp@contoso.test'))?.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(await graph.getUser('nobody@contoso.test')).toBeNull();
  });

  it('reads license details with service plans and their provisioning', async () => {
    const details = await graph.listLicenseDetails('00000000-0000-4000-8000-000000000001');
    expect(details[0]?.servicePlans).toContainEqual(
      expect.objectContaining({ servicePlanName: 'EXCHANGE_S_STANDARD', provisioningStatus: 'Success' }),
    );
  });

  it('asks for the non-default user properties it reads ($select), on every page', async () => {
    const from = lab.requests.length;
    const users = await graph.listUsers();
    const erp = await graph.getUser('erp@contoso.test');
    const requests = graphRequests(from, 'GET /v1.0/users');
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) expect(request.key).toMatch(/\$select=[^&]*accountEnabled[^&]*assignedPlans/);
    expect(erp).toMatchObject({ accountEnabled: true, createdDateTime: expect.stringMatching(/^\d{4}-/) });
    expect(users.filter((u) => u.assignedPlans.length > 0).length).toBeGreaterThan(0);
  });

  it('says which read found nothing on a 404, in a sentence', async () => {
    lab.inject({
      service: 'graph',
      match: '/v1.0/domains',
      kind: 'status',
      status: 404,
      body: JSON.stringify({ error: { code: 'Request_ResourceNotFound', message: 'Resource not found.' } }),
      times: 1,
    });
    const error = await failure(graph.listDomains());
    expect(error.userMessage).toMatch(
      /^Microsoft Graph could not find the domains \(Request_ResourceNotFound\)\. Check that services\.graphUrl/,
    );
  });

  it('reads subscribed SKUs and domains', async () => {
    expect((await graph.listSubscribedSkus())[0]).toMatchObject({ skuPartNumber: 'O365_BUSINESS_ESSENTIALS', capabilityStatus: 'Enabled' });
    expect(await graph.listDomains()).toContainEqual(
      expect.objectContaining({ id: 'contoso.test', isVerified: true, supportedServices: expect.arrayContaining(['Email']) }),
    );
  });

  it('names the Graph permission the app lacks on 403', async () => {
    lab.state.microsoft.appRoles.graphDirectoryRead = false;
    try {
      const users = await failure(graph.listUsers());
      expect(users.code).toBe('InsufficientPermission');
      expect(users.userMessage).toContain('User.Read.All');
      expect(users.userMessage).toContain('Authorization_RequestDenied');
      expect((await failure(graph.listDomains())).userMessage).toContain('Domain.Read.All');
      expect((await failure(graph.listSubscribedSkus())).userMessage).toContain('Organization.Read.All');
    } finally {
      lab.state.microsoft.appRoles.graphDirectoryRead = true;
    }
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    const from = lab.requests.length;
    lab.inject({ service: 'graph', match: '/v1.0/domains', kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 });
    expect(await graph.listDomains()).toHaveLength(2);
    expect(graphRequests(from, '/v1.0/domains')).toHaveLength(3);
  });

  it('reports AdapterThrottled after three retries', async () => {
    const from = lab.requests.length;
    lab.inject({ service: 'graph', match: '/v1.0/subscribedSkus', kind: 'status', status: 429, retryAfterSeconds: 0, times: 10 });
    try {
      const error = await failure(graph.listSubscribedSkus());
      expect(error.code).toBe('AdapterThrottled');
      expect(graphRequests(from, '/v1.0/subscribedSkus')).toHaveLength(4);
    } finally {
      lab.state.faults.length = 0;
    }
  });

  it('stops waiting on Retry-After when the caller aborts', async () => {
    lab.inject({ service: 'graph', match: '/v1.0/domains', kind: 'status', status: 429, retryAfterSeconds: 5, times: 1 });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const error = await failure(graph.listDomains(abort.signal));
    expect(error.code).toBe('AdapterTimeout');
  });

  it('reports a next-page link that is not a URL as a garbled answer, not a crash', async () => {
    lab.inject({
      service: 'graph',
      match: '/users',
      kind: 'status',
      status: 200,
      body: JSON.stringify({ value: [], '@odata.nextLink': '::not a url' }),
      times: 1,
    });
    const error = await failure(graph.listUsers());
    expect(error.code).toBe('GarbledResponse');
    expect(error.message).toContain('a next-page link to another host');
  });

  it('maps 5xx, garbled bodies, timeouts and dropped connections to coded errors', async () => {
    lab.inject({ service: 'graph', match: '/v1.0/domains', kind: 'status', status: 503, times: 1 });
    expect((await failure(graph.listDomains())).code).toBe('AdapterUnavailable');
    lab.inject({ service: 'graph', match: '/v1.0/domains', kind: 'malformed', times: 1 });
    expect((await failure(graph.listDomains())).code).toBe('GarbledResponse');
    lab.inject({ service: 'graph', match: '/v1.0/domains', kind: 'timeout', times: 1 });
    expect((await failure(graph.listDomains())).code).toBe('AdapterTimeout');
    lab.inject({ service: 'graph', match: '/v1.0/domains', kind: 'close', times: 1 });
    expect((await failure(graph.listDomains())).code).toBe('ConnectionLost');
  });
});
