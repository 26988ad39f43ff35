import { describe, expect, it } from 'vitest';
import { dnsSpfCheck } from '../../../src/checks/dns/dns-spf.js';
import { fakeDns } from '../../adapters/dns/fake-dns.js';
import { runDnsCheck } from './fixture.js';

const OUTLOOK = { 'spf.protection.outlook.com': ['v=spf1 ip4:40.92.0.0/15 -all'] };

async function spf(records: string[], extra: Record<string, string[]> = {}) {
  return runDnsCheck(dnsSpfCheck, fakeDns({ txt: { 'contoso.com': records, ...OUTLOOK, ...extra } }));
}

describe('dns-spf', () => {
  it('passes one record with the Exchange include and -all or ~all', async () => {
    const result = await spf(['MS=ms123', 'v=spf1 include:spf.protection.outlook.com -all']);
    expect(result.status).toBe('pass');
    expect(result.detail).toBe(
      'contoso.com has one SPF record that includes spf.protection.outlook.com, needs 1 of 10 DNS lookups and ends in -all.',
    );
    expect((await spf(['v=spf1 include:spf.protection.outlook.com ~all'])).status).toBe('pass');
  });

  it('fails without an SPF record and gives the record to add', async () => {
    const result = await spf(['MS=ms123']);
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('contoso.com has no SPF record');
    expect(result.remediation?.command).toBe('contoso.com. 3600 IN TXT "v=spf1 include:spf.protection.outlook.com -all"');
  });

  it('fails with two SPF records', async () => {
    const result = await spf(['v=spf1 include:spf.protection.outlook.com -all', 'v=spf1 include:servers.mcsv.net ~all']);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/^The domain contoso.com has 2 SPF records .* expected exactly one/);
  });

  it('fails without the Exchange Online include', async () => {
    const result = await spf(['v=spf1 ip4:203.0.113.10 -all']);
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('does not include spf.protection.outlook.com (seen "v=spf1 ip4:203.0.113.10 -all")');
  });

  it('fails over 10 lookups and reports the count', async () => {
    const includes = Array.from({ length: 10 }, (_, i) => `p${i}.example`);
    const extra = Object.fromEntries(includes.map((p) => [p, ['v=spf1 ip4:198.51.100.0/24 -all']]));
    const result = await spf([`v=spf1 include:spf.protection.outlook.com ${includes.map((p) => `include:${p}`).join(' ')} -all`], extra);
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('needs 11 DNS lookups');
    expect(result.observed.lookupCount).toBe(11);
  });

  it('fails on +all and on an include without SPF; warns on ?all', async () => {
    expect((await spf(['v=spf1 include:spf.protection.outlook.com +all'])).detail).toContain('ends in +all');
    const broken = await spf(['v=spf1 include:spf.protection.outlook.com include:gone.example -all']);
    expect(broken.status).toBe('fail');
    expect(broken.detail).toContain('include:gone.example has no SPF record');
    const neutral = await spf(['v=spf1 include:spf.protection.outlook.com ?all']);
    expect(neutral.status).toBe('warn');
    expect(neutral.detail).toContain('ends in ?all (neutral)');
  });
});
