import { describe, expect, it } from 'vitest';
import { exchangeDkimTenant, isDkimKey } from '../../../src/adapters/dns/dkim.js';
import { isDmarcRecord, parseDmarc } from '../../../src/adapters/dns/dmarc.js';

describe('Exchange Online DKIM targets', () => {
  it('recognises the onmicrosoft.com and the 2025 dkim.mail.microsoft formats and returns the tenant prefix', () => {
    expect(exchangeDkimTenant('selector1-contoso-com._domainkey.contoso.onmicrosoft.com', 'selector1', 'contoso.com')).toBe('contoso');
    expect(exchangeDkimTenant('selector2-contoso-com._domainkey.contoso.n-v1.dkim.mail.microsoft', 'selector2', 'contoso.com')).toBe(
      'contoso',
    );
    expect(
      exchangeDkimTenant('selector1-marketing-contoso-com._domainkey.contoso.onmicrosoft.com', 'selector1', 'marketing.contoso.com'),
    ).toBe('contoso');
  });

  it('rejects another domain, another selector or another provider', () => {
    expect(exchangeDkimTenant('selector1-fabrikam-com._domainkey.contoso.onmicrosoft.com', 'selector1', 'contoso.com')).toBeUndefined();
    expect(exchangeDkimTenant('selector2-contoso-com._domainkey.contoso.onmicrosoft.com', 'selector1', 'contoso.com')).toBeUndefined();
    expect(exchangeDkimTenant('s1.domainkey.u123.wl.sendgrid.net', 'selector1', 'contoso.com')).toBeUndefined();
  });

  it('tells a DKIM key from other TXT', () => {
    expect(isDkimKey('v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ')).toBe(true);
    expect(isDkimKey('v=spf1 -all')).toBe(false);
  });
});

describe('DMARC records', () => {
  it('parses tags and recognises only v=DMARC1 records', () => {
    expect(parseDmarc('v=DMARC1; p=quarantine; pct=50; rua=mailto:d@contoso.com')).toEqual({
      v: 'DMARC1',
      p: 'quarantine',
      pct: '50',
      rua: 'mailto:d@contoso.com',
    });
    expect(isDmarcRecord('v=DMARC1;p=none')).toBe(true);
    expect(isDmarcRecord('v=spf1 -all')).toBe(false);
  });
});
