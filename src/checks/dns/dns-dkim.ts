import { dashedDomain, exchangeDkimTenant } from '../../adapters/dns/dkim.js';
import { type DkimSelectorLookup, dnsDkim } from '../../adapters/dns/sources.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';

type SelectorState = 'ok' | 'missing' | 'elsewhere' | 'no-key';

export const dnsDkimCheck = defineCheck({
  meta: {
    id: 'dns-dkim',
    title: "DKIM selectors point at Exchange Online's keys",
    area: 'dns',
    severity: 'low',
    dependsOn: [],
    sources: [dnsDkim],
    fixable: false,
    watched: false,
  },
  explainFile: new URL('./dns-dkim.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const selectors = snapshot.get(dnsDkim);
    const domain = ctx.tenant.domain;
    const states = selectors.map((s) => ({ lookup: s, state: stateOf(s, domain) }));
    const observed = {
      selectors: Object.fromEntries(selectors.map((s) => [s.name, { cname: s.cname ?? null, keyPublished: s.keys.length > 0 }])),
    };
    const expected = {
      selectors: Object.fromEntries(
        selectors.map((s) => [s.name, `CNAME ${s.selector}-${dashedDomain(domain)}._domainkey.<tenant>.onmicrosoft.com (with a DKIM key)`]),
      ),
    };
    const resource = { kind: 'DKIM selectors', name: domain };
    const remediation = {
      manual: `In the Microsoft Defender portal → Email & collaboration → Policies → Email authentication settings → DKIM → ${domain}: copy the two CNAME values, publish them at the DNS provider of ${domain}, then switch "Sign messages for this domain with DKIM signatures" on.`,
      command: selectors
        .map((s) => `${s.name}. 3600 IN CNAME ${s.selector}-${dashedDomain(domain)}._domainkey.<tenant>.onmicrosoft.com.`)
        .join('\n'),
    };
    const bad = states.filter((s) => s.state !== 'ok');
    if (bad.length === 0) {
      const tenant = exchangeDkimTenant(selectors[0]!.cname!, selectors[0]!.selector, domain);
      return {
        status: 'pass',
        detail: `Both DKIM selectors of ${domain} are CNAMEs to the keys Exchange Online publishes for the tenant (${tenant}): mail from ${domain} is signed with the domain's own key, which DMARC accepts.`,
        observed,
        expected,
        resource,
      };
    }
    const reasons = bad.map(({ lookup, state }) => describe(lookup, state));
    return {
      status: 'warn',
      detail: `DKIM for ${domain} is not signing with the domain's own key: ${reasons.join('; ')}. Mail then carries only the onmicrosoft.com signature, which does not align with ${domain} for DMARC.`,
      observed,
      expected,
      resource,
      remediation,
    };
  },
});

function stateOf(s: DkimSelectorLookup, domain: string): SelectorState {
  if (!s.cname) return s.keys.length > 0 ? 'elsewhere' : 'missing';
  if (!exchangeDkimTenant(s.cname, s.selector, domain)) return 'elsewhere';
  return s.keys.length > 0 ? 'ok' : 'no-key';
}

function describe(s: DkimSelectorLookup, state: SelectorState): string {
  switch (state) {
    case 'missing':
      return `${s.name} does not exist (expected a CNAME to Exchange Online's key)`;
    case 'elsewhere':
      return s.cname
        ? `${s.name} is a CNAME to ${s.cname}, not to Exchange Online's key for ${s.selector}`
        : `${s.name} holds its own TXT key instead of a CNAME to Exchange Online's key`;
    case 'no-key':
      return `${s.name} points at ${s.cname}, but no DKIM key is published there (DKIM not enabled for the domain in Microsoft 365)`;
    default:
      return `${s.name} is fine`;
  }
}
