import { describe, expect, it } from 'vitest';
import { dnsDkimCheck } from '../../../src/checks/dns/dns-dkim.js';
import { dnsDmarcCheck } from '../../../src/checks/dns/dns-dmarc.js';
import { fakeDns } from '../../adapters/dns/fake-dns.js';
import { runDnsCheck } from './fixture.js';

const dmarc = (records: string[]) => runDnsCheck(dnsDmarcCheck, fakeDns({ txt: { '_dmarc.contoso.com': records } }));

describe('dns-dmarc', () => {
  it('passes p=quarantine and p=reject', async () => {
    const result = await dmarc(['v=DMARC1; p=quarantine; rua=mailto:d@contoso.com']);
    expect(result.status).toBe('pass');
    expect(result.detail).toBe(
      'contoso.com has one DMARC record with p=quarantine, reports to mailto:d@contoso.com: receivers refuse or junk mail that forges contoso.com.',
    );
    expect((await dmarc(['v=DMARC1; p=reject'])).status).toBe('pass');
  });

  it('warns on p=none and explains the spoofing risk of relaying from any address', async () => {
    const result = await dmarc(['v=DMARC1; p=none; rua=mailto:d@contoso.com']);
    expect(result.status).toBe('warn');
    expect(result.detail).toContain('p=none (monitoring only)');
    expect(result.detail).toContain('relay mail "from any address"');
  });

  it('warns on pct below 100', async () => {
    const result = await dmarc(['v=DMARC1; p=reject; pct=25']);
    expect(result.status).toBe('warn');
    expect(result.detail).toContain('pct=25%');
  });

  it('fails with no record, two records, or no valid policy', async () => {
    const none = await runDnsCheck(dnsDmarcCheck, fakeDns({}));
    expect(none.status).toBe('fail');
    expect(none.detail).toContain('no DMARC record at _dmarc.contoso.com (the name does not exist)');
    expect(none.remediation?.command).toContain('_dmarc.contoso.com. 3600 IN TXT "v=DMARC1;');
    expect((await dmarc(['v=DMARC1; p=none', 'v=DMARC1; p=reject'])).detail).toContain('has 2 DMARC records');
    expect((await dmarc(['v=DMARC1; rua=mailto:d@contoso.com'])).detail).toContain('has no p= tag');
  });
});

const key = 'v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDT61UEhCg2sBLlf6NKNjx';
const target = (n: 1 | 2) => `selector${n}-contoso-com._domainkey.contoso.onmicrosoft.com`;

describe('dns-dkim', () => {
  it('passes when both selectors are CNAMEs to the tenant’s keys', async () => {
    const dns = fakeDns({
      cname: { 'selector1._domainkey.contoso.com': target(1), 'selector2._domainkey.contoso.com': target(2) },
      txt: { [target(1)]: [key], [target(2)]: [key] },
    });
    const result = await runDnsCheck(dnsDkimCheck, dns);
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('(contoso)');
  });

  it('warns when the selectors are missing, naming each', async () => {
    const result = await runDnsCheck(dnsDkimCheck, fakeDns({}));
    expect(result.status).toBe('warn');
    expect(result.detail).toContain('selector1._domainkey.contoso.com does not exist');
    expect(result.detail).toContain('selector2._domainkey.contoso.com does not exist');
    expect(result.remediation?.command).toContain(
      `selector1._domainkey.contoso.com. 3600 IN CNAME selector1-contoso-com._domainkey.<tenant>.onmicrosoft.com.`,
    );
  });

  it('warns when a CNAME exists but Microsoft publishes no key yet (DKIM not enabled)', async () => {
    const dns = fakeDns({
      cname: { 'selector1._domainkey.contoso.com': target(1), 'selector2._domainkey.contoso.com': target(2) },
      txt: { [target(1)]: [key] },
    });
    const result = await runDnsCheck(dnsDkimCheck, dns);
    expect(result.status).toBe('warn');
    expect(result.detail).toContain('selector2._domainkey.contoso.com points at');
    expect(result.detail).toContain('no DKIM key is published there');
  });
});
