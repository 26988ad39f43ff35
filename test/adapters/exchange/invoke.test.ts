import { describe, expect, it } from 'vitest';
import { createInvokeCommandClient } from '../../../src/adapters/exchange/invoke.js';
import type { HttpRequest, HttpResponse } from '../../../src/adapters/microsoft/http.js';
import type { TokenProvider } from '../../../src/adapters/microsoft/tokens.js';
import { MailsetupError } from '../../../src/errors.js';

const TENANT = '7e1b3c52-8d2a-4f4e-9a61-0c2d5e8f9a10';
const tokens: TokenProvider = { getToken: async (resource) => `token-for-${resource}` };

function client(answers: HttpResponse[]) {
  const sent: HttpRequest[] = [];
  const send = async (request: HttpRequest) => {
    sent.push(request);
    return answers[Math.min(sent.length - 1, answers.length - 1)] as HttpResponse;
  };
  const invoke = createInvokeCommandClient({
    exchangeAdminUrl: 'https://outlook.office365.com',
    tenantId: TENANT,
    clientId: 'app',
    send,
    tokens,
  });
  return { invoke, sent };
}

const page = (value: unknown[], nextLink?: string): HttpResponse => ({
  status: 200,
  headers: {},
  body: JSON.stringify({ '@odata.context': 'x', value, ...(nextLink ? { '@odata.nextLink': nextLink } : {}) }),
});

describe('InvokeCommand client', () => {
  it('POSTs the cmdlet as typed JSON with the routing and paging headers', async () => {
    const { invoke, sent } = client([page([{ Identity: 'a' }])]);
    await invoke.run('Get-Mailbox', { Identity: 'erp@contoso.test', ResultSize: 'Unlimited' });
    const [request] = sent;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand`);
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer token-for-exchange',
      prefer: 'odata.maxpagesize=1000',
      'x-anchormailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}`,
      'content-type': 'application/json; charset=utf-8',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { Identity: 'erp@contoso.test', ResultSize: 'Unlimited' } },
    });
  });

  it('re-POSTs the same body to @odata.nextLink until the last page', async () => {
    const next = `https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=2`;
    const { invoke, sent } = client([page([{ n: 1 }, { n: 2 }], next), page([{ n: 3 }])]);
    expect(await invoke.run('Get-TransportRule', {})).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(sent.map((r) => r.url)).toEqual([`https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand`, next]);
    expect(sent[1]?.body).toBe(sent[0]?.body);
    expect(sent[1]?.method).toBe('POST');
  });

  it('treats value: null (a cmdlet that only warned) as no objects', async () => {
    const { invoke } = client([{ status: 200, headers: {}, body: '{"value":null,"@adminapi.warnings":["nothing found"]}' }]);
    expect(await invoke.run('Get-InboundConnector', {})).toEqual([]);
  });

  it('refuses to send the token to a next-page link on another host', async () => {
    const { invoke, sent } = client([page([{ n: 1 }], 'https://evil.example/adminapi/beta/x/InvokeCommand')]);
    const error = await invoke.run('Get-TransportRule', {}).catch((e: unknown) => e);
    expect((error as MailsetupError).code).toBe('GarbledResponse');
    expect(sent).toHaveLength(1);
  });

  it('honours 429 Retry-After, then reads the answer', async () => {
    const { invoke, sent } = client([{ status: 429, headers: { 'retry-after': '0' }, body: '' }, page([{ n: 1 }])]);
    expect(await invoke.run('Get-AcceptedDomain', {})).toEqual([{ n: 1 }]);
    expect(sent).toHaveLength(2);
  });

  it('reports garbled answers as GarbledResponse', async () => {
    for (const body of ['not json', '{"odata":1}', '{"value":[1,2]}']) {
      const { invoke } = client([{ status: 200, headers: {}, body }]);
      const error = await invoke.run('Get-AcceptedDomain', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailsetupError);
      expect((error as MailsetupError).code).toBe('GarbledResponse');
    }
  });

  it('accepts only cmdlet names, never command text', async () => {
    const { invoke, sent } = client([page([])]);
    const error = await invoke.run("Get-Mailbox; Remove-Mailbox -Identity 'x'", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailsetupError);
    expect(sent).toHaveLength(0);
  });
});
