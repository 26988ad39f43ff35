import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDnsLab } from '../../../lab/dns/index.js';
import type { LabRawConfig, RunningLabService } from '../../../lab/service.js';
import { healthyState, type LabState } from '../../../lab/state.js';
import { createResolverDns } from '../../../src/adapters/dns/live.js';
import type { DnsPort } from '../../../src/adapters/dns/port.js';
import { MailsetupError } from '../../../src/errors.js';

let state: LabState;
let lab: RunningLabService;
let dns: DnsPort;
let server: string;

beforeAll(async () => {
  state = healthyState();
  const config: LabRawConfig = { tenants: [], services: {} };
  lab = await startDnsLab(state, config);
  server = (config.services.dnsServers as string[])[0]!;
  dns = createResolverDns({ servers: [server], timeoutMs: 400 });
});
afterAll(() => lab.stop());
beforeEach(() => {
  state.faults.length = 0;
});

async function failure(p: Promise<unknown>): Promise<MailsetupError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailsetupError);
  return error as MailsetupError;
}

describe('the live DNS adapter against the lab DNS server', () => {
  it('reads MX records, lowest preference first, lower-case without the trailing dot', async () => {
    state.dns.records['multi.test'] = [
      { type: 'MX', exchange: 'Backup.Example.', priority: 20 },
      { type: 'MX', exchange: 'contoso-test.mail.protection.outlook.com', priority: 0 },
    ];
    expect(await dns.mx('multi.test')).toEqual({
      found: true,
      records: [
        { exchange: 'contoso-test.mail.protection.outlook.com', priority: 0 },
        { exchange: 'backup.example', priority: 20 },
      ],
    });
  });

  it('reads TXT records and joins a long record split into 255-byte strings', async () => {
    const long = `v=spf1 ${Array.from({ length: 40 }, (_, i) => `ip4:192.0.2.${i}`).join(' ')} -all`;
    expect(long.length).toBeGreaterThan(255);
    state.dns.records['long.test'] = [{ type: 'TXT', data: long }];
    expect(await dns.txt('long.test')).toEqual({ found: true, records: [long] });
  });

  it('follows the DKIM CNAME for TXT and reads the CNAME itself', async () => {
    expect(await dns.cname('selector1._domainkey.contoso.test')).toEqual({
      found: true,
      records: ['selector1-contoso-test._domainkey.contoso.onmicrosoft.com'],
    });
    const txt = await dns.txt('selector1._domainkey.contoso.test');
    expect(txt.found && txt.records[0]).toMatch(/^v=DKIM1; k=rsa; p=MIGf/);
  });

  it('answers "no such record" for NXDOMAIN and for a name without that type (not an error)', async () => {
    expect(await dns.txt('nothing-here.contoso.test')).toEqual({ found: false, reason: 'nxdomain' });
    expect(await dns.mx('_dmarc.contoso.test')).toEqual({ found: false, reason: 'nodata' });
    // An empty non-terminal exists (RFC 8020): NOERROR, no records.
    expect(await dns.txt('_domainkey.contoso.test')).toEqual({ found: false, reason: 'nodata' });
  });

  it('records every question it served', async () => {
    const before = state.requests.length;
    await dns.mx('contoso.test');
    expect(state.requests.slice(before).map((r) => `${r.service} ${r.key}`)).toEqual(['dns MX contoso.test']);
  });

  it('maps SERVFAIL to AdapterUnavailable and REFUSED to AdapterUnavailable, naming the query and server', async () => {
    state.faults.push({ service: 'dns', kind: 'status', status: 2, match: 'MX contoso.test', times: 2 });
    const servfail = await failure(dns.mx('contoso.test'));
    expect(servfail.code).toBe('AdapterUnavailable');
    expect(servfail.message).toBe(`The DNS server (${server}) failed to answer MX contoso.test (SERVFAIL).`);
    state.faults.push({ service: 'dns', kind: 'status', status: 5, match: 'TXT contoso.test', times: 2 });
    const refused = await failure(dns.txt('contoso.test'));
    expect(refused.code).toBe('AdapterUnavailable');
    expect(refused.details).toMatchObject({ dnsError: 'EREFUSED', question: 'TXT contoso.test' });
  });

  it('maps a server that never answers to AdapterTimeout within the deadline', async () => {
    state.faults.push({ service: 'dns', kind: 'timeout', match: 'MX contoso.test', times: 5 });
    const error = await failure(dns.mx('contoso.test'));
    expect(error.code).toBe('AdapterTimeout');
    expect(error.userMessage).toContain('did not answer MX contoso.test in time');
  });

  it('maps a garbled answer to GarbledResponse', async () => {
    state.faults.push({ service: 'dns', kind: 'malformed', match: 'MX contoso.test', times: 5 });
    const error = await failure(dns.mx('contoso.test'));
    expect(error.code).toBe('GarbledResponse');
  });

  it('maps a closed port to AdapterUnavailable and rejects a bad server entry as a config error', async () => {
    const dead = createResolverDns({ servers: ['127.0.0.1:1'], timeoutMs: 400 });
    expect((await failure(dead.mx('contoso.test'))).code).toMatch(/AdapterUnavailable|AdapterTimeout/);
    expect(() => createResolverDns({ servers: ['not a server'], timeoutMs: 400 })).toThrow(/services.dnsServers/);
  });
});
