import type { LabTenant } from '../tenant.js';

/** One resource record of the lab's DNS. Names are lower-case, without the trailing dot. */
export type DnsRecord =
  | { type: 'MX'; exchange: string; priority: number }
  | { type: 'TXT'; data: string }
  | { type: 'CNAME'; target: string }
  | { type: 'A'; address: string };

export type DnsRecordType = DnsRecord['type'];

/**
 * The lab's DNS data: the tenant domain's zone plus the outside names its records point at
 * (Exchange Online's SPF include, the tenant's DKIM keys), so lookups work offline. A name that is
 * absent answers NXDOMAIN; a name present without the asked type answers NOERROR with no records.
 */
export interface DnsState {
  records: Record<string, DnsRecord[]>;
}

/** Exchange Online's published SPF record (the include target every tenant uses). */
export const EXCHANGE_SPF_RECORD =
  'v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:52.103.0.0/16 ip4:104.47.0.0/17 ' +
  'ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 ip6:2a01:111:f403:8000::/51 ip6:2a01:111:f403:c000::/51 ip6:2a01:111:f403:f000::/52 -all';

/** Public halves of the tenant's two DKIM keys (Microsoft publishes them under its onmicrosoft.com domain). */
const DKIM_KEYS = [
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDT61UEhCg2sBLlf6NKNjxOnaDePfa8LAczGrkAx4qBYxvFV9nwT4e5P7zFHAG1D7D4kWib8rU88UFeS9GiDOYmXsoamiibwCDZNmP2C3QqRRPK3Rp1OYdjcJibDgoMXFMnkajogjJTowhjBoYtEmuQqktKIYT6RGWE/RN3hOZ79QIDAQAB',
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDTVijCeQ1uxACmUDZqj8g/lb99m5fdJyQbDLbrZq0/GNYCXOt0lwmBeIe3WDinhrgm7DJnLWz3PzOF5FJ8Aktk1Pw6p6VGFqqmkUZL8rfROUWPGfDUrS2ETImiHJo/k4Aw4dDtjT7cy4ID/SzS+p3h+PyC2xH5PkwKdwJsesfUHwIDAQAB',
];

/** `contoso.test` → `contoso-test.mail.protection.outlook.com`, the MX host Exchange Online gives a domain. */
export function exchangeMxHost(domain: string): string {
  return `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`;
}

export function healthyDnsState(t: LabTenant): DnsState {
  const d = t.domain;
  const dashed = d.replace(/\./g, '-');
  const initial = `${t.name}.onmicrosoft.com`;
  const records: Record<string, DnsRecord[]> = {
    [d]: [
      { type: 'MX', exchange: exchangeMxHost(d), priority: 0 },
      { type: 'TXT', data: 'v=spf1 include:spf.protection.outlook.com -all' },
      // The domain-verification TXT Microsoft 365 asks for: a TXT that is not SPF must be ignored.
      { type: 'TXT', data: 'MS=ms48213077' },
      { type: 'A', address: '203.0.113.80' },
    ],
    [`_dmarc.${d}`]: [{ type: 'TXT', data: `v=DMARC1; p=quarantine; rua=mailto:dmarc@${d}` }],
    [`autodiscover.${d}`]: [{ type: 'CNAME', target: 'autodiscover.outlook.com' }],
    [exchangeMxHost(d)]: [{ type: 'A', address: '52.101.68.10' }],
    'spf.protection.outlook.com': [{ type: 'TXT', data: EXCHANGE_SPF_RECORD }],
  };
  for (const [i, selector] of ['selector1', 'selector2'].entries()) {
    const target = `${selector}-${dashed}._domainkey.${initial}`;
    records[`${selector}._domainkey.${d}`] = [{ type: 'CNAME', target }];
    records[target] = [{ type: 'TXT', data: `v=DKIM1; k=rsa; p=${DKIM_KEYS[i]}` }];
  }
  return { records };
}

/** Replaces the records of one type at a name (scenarios use this); an empty list removes them. */
export function setDnsRecords(state: DnsState, name: string, type: DnsRecordType, records: DnsRecord[]): void {
  const key = name.toLowerCase().replace(/\.$/, '');
  const kept = (state.records[key] ?? []).filter((r) => r.type !== type);
  const next = [...kept, ...records];
  if (next.length > 0) state.records[key] = next;
  else delete state.records[key];
}
