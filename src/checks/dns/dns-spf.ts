import { dnsSpf } from '../../adapters/dns/sources.js';
import { EXCHANGE_SPF_INCLUDE, SPF_LOOKUP_LIMIT } from '../../adapters/dns/spf.js';
import { defineCheck } from '../../engine/check.js';
import type { CheckStatus, Verdict } from '../../engine/result.js';

interface Finding {
  status: Exclude<CheckStatus, 'pass' | 'skip' | 'error'>;
  detail: string;
}

export const dnsSpfCheck = defineCheck({
  meta: {
    id: 'dns-spf',
    title: 'SPF record includes Exchange Online',
    area: 'dns',
    severity: 'high',
    dependsOn: [],
    sources: [dnsSpf],
    fixable: false,
    watched: false,
  },
  explainFile: new URL('./dns-spf.md', import.meta.url),
  run(snapshot): Verdict {
    const spf = snapshot.get(dnsSpf);
    const domain = spf.domain;
    const recommended = `v=spf1 include:${EXCHANGE_SPF_INCLUDE} -all`;
    const resource = { kind: 'SPF record', name: domain };
    const observed = {
      domain,
      records: spf.records,
      lookupCount: spf.lookupCount,
      lookups: spf.lookups.map((l) => `${l.in}: ${l.term}`),
      all: spf.all === undefined ? null : `${spf.all}all`,
      problems: spf.problems,
    };
    const expected = { records: 1, include: EXCHANGE_SPF_INCLUDE, maxLookups: SPF_LOOKUP_LIMIT, all: '-all or ~all' };
    if (spf.records.length === 0) {
      return {
        status: 'fail',
        detail: `${domain} has no SPF record (no TXT record starting with v=spf1); expected one that includes ${EXCHANGE_SPF_INCLUDE}, or receivers cannot tell Exchange Online's mail for ${domain} from forged mail.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `At the DNS provider of ${domain}, add a TXT record at the domain itself: ${recommended}`,
          command: `${domain}. 3600 IN TXT "${recommended}"`,
        },
      };
    }

    const findings: Finding[] = [];
    if (spf.records.length > 1) {
      findings.push({
        status: 'fail',
        detail: `the domain ${domain} has ${spf.records.length} SPF records (${spf.records.map((r) => `"${r}"`).join(', ')}); expected exactly one — with more, receivers return a permanent error and SPF fails for every mail`,
      });
    }
    for (const problem of spf.problems) findings.push({ status: 'fail', detail: `the SPF record is broken: ${problem}` });
    if (!spf.exchangeIncludePath) {
      findings.push({
        status: 'fail',
        detail: `the SPF record of ${domain} does not include ${EXCHANGE_SPF_INCLUDE} (seen "${spf.records[0]}"), so mail Exchange Online sends for ${domain} fails SPF`,
      });
    }
    if (spf.lookupCount > SPF_LOOKUP_LIMIT) {
      findings.push({
        status: 'fail',
        detail: `the SPF record of ${domain} needs ${spf.lookupCount} DNS lookups (includes, a, mx, ptr, exists, redirect); RFC 7208 allows ${SPF_LOOKUP_LIMIT}, above that receivers return a permanent error`,
      });
    }
    if (spf.all === '+') {
      findings.push({
        status: 'fail',
        detail: `the SPF record of ${domain} ends in +all, which authorises every server on the internet to send as ${domain}`,
      });
    } else if (spf.all === '?' || spf.all === undefined) {
      findings.push({
        status: 'warn',
        detail: `the SPF record of ${domain} ends in ${spf.all === '?' ? '?all' : 'no all mechanism'} (neutral): receivers are told nothing about forged mail; -all or ~all is expected`,
      });
    }

    const worst = findings.find((f) => f.status === 'fail') ?? findings[0];
    if (!worst) {
      return {
        status: 'pass',
        detail: `${domain} has one SPF record that includes ${EXCHANGE_SPF_INCLUDE}, needs ${spf.lookupCount} of ${SPF_LOOKUP_LIMIT} DNS lookups and ends in ${spf.all}all.`,
        observed,
        expected,
        resource,
      };
    }
    const more = findings.length > 1 ? ` (${findings.length - 1} more finding(s) in the evidence)` : '';
    return {
      status: worst.status,
      detail: `${capitalize(worst.detail)}${more}.`,
      observed: { ...observed, findings: findings.map((f) => f.detail) },
      expected,
      resource,
      remediation: {
        manual: `At the DNS provider of ${domain}, keep a single TXT record starting with v=spf1 that includes ${EXCHANGE_SPF_INCLUDE}, stays within ${SPF_LOOKUP_LIMIT} lookups and ends in -all (or ~all); the simplest is: ${recommended}`,
        command: `${domain}. 3600 IN TXT "${recommended}"`,
      },
    };
  },
});

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
