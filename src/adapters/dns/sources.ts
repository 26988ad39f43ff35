import { defineSource } from '../../engine/source.js';
import { dkimName, EXCHANGE_DKIM_SELECTORS, isDkimKey } from './dkim.js';
import { dmarcName, isDmarcRecord } from './dmarc.js';
import type { DnsAnswer, DnsMissingReason, MxRecord } from './port.js';
import { analyzeSpf, type SpfAnalysis } from './spf.js';

export interface MxLookup {
  domain: string;
  answer: DnsAnswer<MxRecord>;
}

/** The tenant domain's MX records. */
export const dnsMx = defineSource<MxLookup>({
  key: 'dns.mx',
  label: "the domain's MX records",
  fetch: async (ctx) => ({ domain: ctx.tenant.domain, answer: await ctx.adapters.dns.mx(ctx.tenant.domain) }),
});

/** The tenant domain's SPF record, with its include tree walked and DNS lookups counted. */
export const dnsSpf = defineSource<SpfAnalysis>({
  key: 'dns.spf',
  label: "the domain's SPF record",
  fetch: async (ctx) => analyzeSpf(ctx.adapters.dns, ctx.tenant.domain),
});

export interface DmarcLookup {
  name: string;
  /** TXT records at `_dmarc.<domain>` that are DMARC records. */
  records: string[];
  /** Why there is no TXT at all, when there is none. */
  missing?: DnsMissingReason;
}

export const dnsDmarc = defineSource<DmarcLookup>({
  key: 'dns.dmarc',
  label: "the domain's DMARC record",
  fetch: async (ctx) => {
    const name = dmarcName(ctx.tenant.domain);
    const answer = await ctx.adapters.dns.txt(name);
    return answer.found ? { name, records: answer.records.filter(isDmarcRecord) } : { name, records: [], missing: answer.reason };
  },
});

export interface DkimSelectorLookup {
  selector: string;
  name: string;
  /** The CNAME target, when the selector is a CNAME. */
  cname?: string;
  /** DKIM keys published at the selector (through the CNAME). */
  keys: string[];
}

export const dnsDkim = defineSource<DkimSelectorLookup[]>({
  key: 'dns.dkim',
  label: "the domain's DKIM selectors",
  fetch: async (ctx) =>
    Promise.all(
      EXCHANGE_DKIM_SELECTORS.map(async (selector) => {
        const name = dkimName(selector, ctx.tenant.domain);
        const [cname, txt] = await Promise.all([ctx.adapters.dns.cname(name), ctx.adapters.dns.txt(name)]);
        return {
          selector,
          name,
          cname: cname.found ? cname.records[0] : undefined,
          keys: txt.found ? txt.records.filter(isDkimKey) : [],
        };
      }),
    ),
});
