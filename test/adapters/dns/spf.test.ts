import { describe, expect, it } from 'vitest';
import { analyzeSpf, parseSpf } from '../../../src/adapters/dns/spf.js';
import { fakeDns } from './fake-dns.js';

const OUTLOOK = 'v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip6:2a01:111:f400::/48 -all';

describe('parseSpf', () => {
  it('splits qualifiers, mechanisms with values, CIDR suffixes and modifiers', () => {
    expect(parseSpf('v=spf1 +a mx/24 ~include:spf.protection.outlook.com ip4:192.0.2.0/24 redirect=_spf.example.com -all')).toEqual([
      { qualifier: '+', name: 'a', value: undefined, modifier: false },
      { qualifier: '+', name: 'mx', value: undefined, modifier: false },
      { qualifier: '~', name: 'include', value: 'spf.protection.outlook.com', modifier: false },
      { qualifier: '+', name: 'ip4', value: '192.0.2.0/24', modifier: false },
      { qualifier: '+', name: 'redirect', value: '_spf.example.com', modifier: true },
      { qualifier: '-', name: 'all', value: undefined, modifier: false },
    ]);
  });
});

describe('analyzeSpf', () => {
  it('counts the include and reaches Exchange Online in the healthy record', async () => {
    const dns = fakeDns({
      txt: { 'contoso.com': ['MS=ms123', 'v=spf1 include:spf.protection.outlook.com -all'], 'spf.protection.outlook.com': [OUTLOOK] },
    });
    const spf = await analyzeSpf(dns, 'contoso.com');
    expect(spf).toMatchObject({
      records: ['v=spf1 include:spf.protection.outlook.com -all'],
      lookupCount: 1,
      exchangeIncludePath: ['contoso.com', 'spf.protection.outlook.com'],
      all: '-',
      problems: [],
    });
  });

  it('counts include, a, mx, ptr, exists and redirect through nested includes (RFC 7208 §4.6.4)', async () => {
    const dns = fakeDns({
      txt: {
        'contoso.com': ['v=spf1 a mx include:_spf.contoso.com include:spf.protection.outlook.com ip4:192.0.2.1 ~all'],
        '_spf.contoso.com': ['v=spf1 ptr exists:%{i}.bl.example include:_spf2.contoso.com ?all'],
        '_spf2.contoso.com': ['v=spf1 a:mail.contoso.com redirect=_spf3.contoso.com'],
        '_spf3.contoso.com': ['v=spf1 mx -all'],
        'spf.protection.outlook.com': [OUTLOOK],
      },
    });
    const spf = await analyzeSpf(dns, 'contoso.com');
    // contoso: a, mx, include, include (4); _spf: ptr, exists, include (3); _spf2: a, redirect (2); _spf3: mx (1)
    expect(spf.lookupCount).toBe(10);
    expect(spf.lookups.map((l) => `${l.in} ${l.term}`)).toContain('_spf2.contoso.com redirect=_spf3.contoso.com');
    expect(spf.all).toBe('~');
    expect(spf.problems).toEqual([]);
  });

  it('goes over the limit with many provider includes', async () => {
    const providers = Array.from({ length: 11 }, (_, i) => `p${i}.example`);
    const txt: Record<string, string[]> = { 'contoso.com': [`v=spf1 ${providers.map((p) => `include:${p}`).join(' ')} -all`] };
    for (const p of providers) txt[p] = ['v=spf1 ip4:198.51.100.0/24 -all'];
    const spf = await analyzeSpf(fakeDns({ txt }), 'contoso.com');
    expect(spf.lookupCount).toBe(11);
    expect(spf.exchangeIncludePath).toBeUndefined();
  });

  it('reports an include without an SPF record and an include loop as permanent errors', async () => {
    const dns = fakeDns({
      txt: {
        'contoso.com': ['v=spf1 include:gone.example include:_a.contoso.com -all'],
        '_a.contoso.com': ['v=spf1 include:_b.contoso.com -all'],
        '_b.contoso.com': ['v=spf1 include:_a.contoso.com -all'],
      },
    });
    const spf = await analyzeSpf(dns, 'contoso.com');
    expect(spf.problems).toEqual([
      'include:gone.example has no SPF record; receivers treat this as a permanent error',
      'include:_a.contoso.com loops back to a record already being evaluated (contoso.com → _a.contoso.com → _b.contoso.com → _a.contoso.com)',
    ]);
  });

  it('ignores redirect when the record has an all mechanism, and takes the target’s all otherwise', async () => {
    const ignored = await analyzeSpf(fakeDns({ txt: { 'contoso.com': ['v=spf1 redirect=_spf.example ?all'] } }), 'contoso.com');
    expect(ignored).toMatchObject({ lookupCount: 0, all: '?', problems: [] });
    const followed = await analyzeSpf(
      fakeDns({ txt: { 'contoso.com': ['v=spf1 redirect=spf.protection.outlook.com'], 'spf.protection.outlook.com': [OUTLOOK] } }),
      'contoso.com',
    );
    expect(followed).toMatchObject({ lookupCount: 1, all: '-', exchangeIncludePath: ['contoso.com', 'spf.protection.outlook.com'] });
  });

  it('returns every SPF record when there are two, and none when the domain has none', async () => {
    const two = await analyzeSpf(fakeDns({ txt: { 'contoso.com': ['v=spf1 -all', 'v=spf1 include:x.example ~all'] } }), 'contoso.com');
    expect(two.records).toHaveLength(2);
    const none = await analyzeSpf(fakeDns({ txt: { 'contoso.com': ['MS=ms1'] } }), 'contoso.com');
    expect(none).toMatchObject({ records: [], lookupCount: 0 });
    const nxdomain = await analyzeSpf(fakeDns({}), 'contoso.com');
    expect(nxdomain.records).toEqual([]);
  });
});
