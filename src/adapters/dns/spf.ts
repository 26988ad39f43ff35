import type { DnsPort } from './port.js';

/** RFC 7208 §4.6.4: at most 10 terms that cause DNS queries, across includes and redirects. */
export const SPF_LOOKUP_LIMIT = 10;
/** Exchange Online's SPF include. */
export const EXCHANGE_SPF_INCLUDE = 'spf.protection.outlook.com';

export type SpfQualifier = '+' | '-' | '~' | '?';

export interface SpfTerm {
  qualifier: SpfQualifier;
  /** `include`, `a`, `mx`, `ptr`, `exists`, `ip4`, `ip6`, `all`, or a modifier name (`redirect`, `exp`). */
  name: string;
  value?: string;
  modifier: boolean;
}

/** Terms that make the receiver query DNS (the `redirect` modifier counts too). */
const LOOKUP_MECHANISMS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);
/** Stop following includes once the count is this far over: the verdict is already clear. */
const FOLLOW_CAP = SPF_LOOKUP_LIMIT * 3;

export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(\s|$)/i.test(txt.trim());
}

/** Splits an SPF record into its terms (mechanisms with qualifiers, and modifiers). */
export function parseSpf(record: string): SpfTerm[] {
  const terms: SpfTerm[] = [];
  for (const raw of record.trim().split(/\s+/).slice(1)) {
    if (raw === '') continue;
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
    if (modifier) {
      terms.push({ qualifier: '+', name: modifier[1]!.toLowerCase(), value: modifier[2], modifier: true });
      continue;
    }
    const qualifier = '+-~?'.includes(raw[0]!) ? (raw[0] as SpfQualifier) : '+';
    const body = qualifier === raw[0] ? raw.slice(1) : raw;
    const match = /^([a-z0-9]+)(?:[:/](.*))?$/i.exec(body);
    const name = (match?.[1] ?? body).toLowerCase();
    const value = match?.[2] !== undefined && body[name.length] === ':' ? match[2] : undefined;
    terms.push({ qualifier, name, value, modifier: false });
  }
  return terms;
}

export interface SpfLookup {
  /** The record (domain) the term is in. */
  in: string;
  /** The term as written, e.g. `include:spf.protection.outlook.com`. */
  term: string;
}

export interface SpfAnalysis {
  domain: string;
  /** Every TXT record at the domain that is an SPF record (more than one is a permanent error, RFC 7208 §4.5). */
  records: string[];
  /** DNS-querying terms across the include/redirect tree (RFC 7208 limit: 10). */
  lookupCount: number;
  lookups: SpfLookup[];
  /** Whether `include:spf.protection.outlook.com` is reached, and through which records. */
  exchangeIncludePath?: string[];
  /** The qualifier of `all` that ends the evaluation (after a redirect, the target's). */
  all?: SpfQualifier;
  /** Problems below the top record a receiver treats as a permanent error (include without SPF, loops). */
  problems: string[];
}

/**
 * Reads the domain's SPF record and walks its includes and redirects (RFC 7208), counting the
 * DNS-querying terms as a receiver would. A missing record is reported (records: []), not thrown.
 */
export async function analyzeSpf(dns: DnsPort, domain: string): Promise<SpfAnalysis> {
  const analysis: SpfAnalysis = { domain, records: await spfRecordsAt(dns, domain), lookupCount: 0, lookups: [], problems: [] };
  if (analysis.records.length === 0) return analysis;
  analysis.all = await walk(dns, analysis, domain, analysis.records[0]!, [domain]);
  return analysis;
}

async function spfRecordsAt(dns: DnsPort, name: string): Promise<string[]> {
  const answer = await dns.txt(name);
  return answer.found ? answer.records.filter(isSpfRecord) : [];
}

/** Walks one record; returns the qualifier of its effective `all`. */
async function walk(
  dns: DnsPort,
  analysis: SpfAnalysis,
  domain: string,
  record: string,
  chain: string[],
): Promise<SpfQualifier | undefined> {
  const terms = parseSpf(record);
  const all = terms.find((t) => !t.modifier && t.name === 'all');
  for (const term of terms) {
    if (term.modifier || !LOOKUP_MECHANISMS.has(term.name)) continue;
    analysis.lookupCount += 1;
    analysis.lookups.push({ in: domain, term: termText(term) });
    if (term.name === 'include' && term.value) await follow(dns, analysis, term.value, chain, 'include');
  }
  const redirect = terms.find((t) => t.modifier && t.name === 'redirect');
  // RFC 7208 §6.1: redirect is ignored when the record has an `all` mechanism.
  if (redirect?.value && !all) {
    analysis.lookupCount += 1;
    analysis.lookups.push({ in: domain, term: `redirect=${redirect.value}` });
    return follow(dns, analysis, redirect.value, chain, 'redirect');
  }
  return all?.qualifier;
}

async function follow(
  dns: DnsPort,
  analysis: SpfAnalysis,
  target: string,
  chain: string[],
  via: 'include' | 'redirect',
): Promise<SpfQualifier | undefined> {
  const name = target.toLowerCase().replace(/\.$/, '');
  if (name === EXCHANGE_SPF_INCLUDE && !analysis.exchangeIncludePath) analysis.exchangeIncludePath = [...chain, name];
  if (name.includes('%')) return undefined; // a macro: depends on the message, cannot be followed here
  if (chain.includes(name)) {
    analysis.problems.push(`${via}:${name} loops back to a record already being evaluated (${[...chain, name].join(' → ')})`);
    return undefined;
  }
  if (analysis.lookupCount > FOLLOW_CAP) return undefined;
  const records = await spfRecordsAt(dns, name);
  if (records.length === 0) {
    analysis.problems.push(`${via}:${name} has no SPF record; receivers treat this as a permanent error`);
    return undefined;
  }
  if (records.length > 1) analysis.problems.push(`${via}:${name} has ${records.length} SPF records (permanent error)`);
  return walk(dns, analysis, name, records[0]!, [...chain, name]);
}

function termText(term: SpfTerm): string {
  const q = term.qualifier === '+' ? '' : term.qualifier;
  return term.value === undefined ? `${q}${term.name}` : `${q}${term.name}:${term.value}`;
}
