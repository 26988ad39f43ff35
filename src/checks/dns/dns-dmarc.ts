import { parseDmarc } from '../../adapters/dns/dmarc.js';
import { dnsDmarc } from '../../adapters/dns/sources.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';

const POLICIES = new Set(['none', 'quarantine', 'reject']);
const SPOOFING_RISK =
  'the inbound connector lets the ERP relay mail "from any address" of the domain through Exchange Online, and only an enforced DMARC policy makes receivers refuse mail that forges the domain from anywhere else';

export const dnsDmarcCheck = defineCheck({
  meta: {
    id: 'dns-dmarc',
    title: 'DMARC record enforces a policy',
    area: 'dns',
    severity: 'medium',
    dependsOn: [],
    sources: [dnsDmarc],
    fixable: false,
    watched: false,
  },
  explainFile: new URL('./dns-dmarc.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const { name, records, missing } = snapshot.get(dnsDmarc);
    const domain = ctx.tenant.domain;
    const recommended = `v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@${domain}`;
    const resource = { kind: 'DMARC record', name };
    const expected = { records: 1, p: 'quarantine or reject', pct: 100 };
    const remediation = {
      manual: `At the DNS provider of ${domain}, publish one TXT record at ${name}. Start with p=none and a rua= address to collect reports, check that the ERP's and Exchange Online's mail passes, then move to p=quarantine or p=reject.`,
      command: `${name}. 3600 IN TXT "${recommended}"`,
    };
    if (records.length === 0) {
      return {
        status: 'fail',
        detail: `${domain} has no DMARC record at ${name} (${missing === 'nxdomain' ? 'the name does not exist' : 'no TXT record starting with v=DMARC1'}): ${SPOOFING_RISK}; large mailbox providers also reject or junk bulk mail from domains without DMARC.`,
        observed: { name, records: [], dnsAnswer: missing ?? 'no v=DMARC1 record' },
        expected,
        resource,
        remediation,
      };
    }
    if (records.length > 1) {
      return {
        status: 'fail',
        detail: `${name} has ${records.length} DMARC records; receivers ignore DMARC entirely when there is more than one (RFC 7489 §6.6.3), expected exactly one.`,
        observed: { name, records },
        expected,
        resource,
        remediation,
      };
    }
    const record = records[0]!;
    const tags = parseDmarc(record);
    const policy = tags.p?.toLowerCase();
    const observed = { name, records, p: tags.p ?? null, sp: tags.sp ?? null, pct: tags.pct ?? null, rua: tags.rua ?? null };
    if (!policy || !POLICIES.has(policy)) {
      return {
        status: 'fail',
        detail: `The DMARC record at ${name} has ${policy ? `an invalid policy p=${tags.p}` : 'no p= tag'} ("${record}"); expected p=none, p=quarantine or p=reject, and receivers ignore a record without a valid policy.`,
        observed,
        expected,
        resource,
        remediation,
      };
    }
    if (policy === 'none') {
      return {
        status: 'warn',
        detail: `The DMARC policy of ${domain} is p=none (monitoring only): receivers still deliver mail that forges ${domain}; ${SPOOFING_RISK}. Expected p=quarantine or p=reject once the reports show legitimate mail passing.`,
        observed,
        expected,
        resource,
        remediation,
      };
    }
    const pct = tags.pct === undefined ? 100 : Number(tags.pct);
    if (Number.isFinite(pct) && pct < 100) {
      return {
        status: 'warn',
        detail: `The DMARC policy of ${domain} is p=${policy} but only for pct=${tags.pct}% of failing mail; the rest is delivered as if p=none. Expected pct=100 (or no pct tag).`,
        observed,
        expected,
        resource,
        remediation,
      };
    }
    return {
      status: 'pass',
      detail: `${domain} has one DMARC record with p=${policy}${tags.rua ? `, reports to ${tags.rua}` : ''}: receivers refuse or junk mail that forges ${domain}.`,
      observed,
      expected,
      resource,
    };
  },
});
