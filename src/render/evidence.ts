import type { CheckResult } from '../engine/result.js';

/** One line of evidence: a setting, what the bot saw, what the guide expects ("—" when there is nothing). */
export interface EvidenceRow {
  setting: string;
  observed: string;
  expected: string;
  /** The row shows a problem: the values differ, or it lists what is missing, extra or invalid. */
  matters: boolean;
}

/** Fields the bot keeps for itself (error codes, HTTP status, raw hops): never shown as evidence. */
const INTERNAL = new Set(['errorCode', 'source', 'httpStatus', 'exoCode', 'verdict', 'hops', 'durationMs', 'startedAt', 'reference']);
/** Observed keys that list what is wrong: shown first, and only when not empty. */
const PROBLEM_LIST = /^(missing|extra|invalid|notMembers|unknown|unresolved|stale|earlierStoppingRules|shadowing)/;
const MAX_ENTRIES = 5;
const MAX_CELL = 200;

/**
 * A check's observed and expected values as rows a person reads: problems first (the missing IP,
 * the property that differs), then the settings that agree; each value as plain words, lists with
 * the entries that matter first, never JSON.
 */
export function evidenceRows(c: Pick<CheckResult, 'observed' | 'expected'>): EvidenceRow[] {
  const keys = [...new Set([...Object.keys(c.expected), ...Object.keys(c.observed)])].filter((k) => !INTERNAL.has(k));
  const rows: (EvidenceRow & { rank: number })[] = [];
  for (const key of keys) {
    const hasSeen = key in c.observed;
    const hasExpected = key in c.expected;
    const seen = c.observed[key];
    const expected = c.expected[key];
    if (!hasExpected && PROBLEM_LIST.test(key)) {
      if (Array.isArray(seen) && seen.length === 0) continue;
      rows.push({ setting: settingName(key), observed: cell(seen), expected: '—', matters: true, rank: 0 });
      continue;
    }
    const differs = hasSeen && hasExpected && !sameValue(seen, expected) && !sameWords(seen, expected);
    rows.push({
      setting: settingName(key),
      observed: hasSeen ? cell(Array.isArray(seen) && Array.isArray(expected) ? notIn(seen, expected) : seen) : '—',
      expected: hasExpected ? cell(Array.isArray(seen) && Array.isArray(expected) ? notIn(expected, seen) : expected) : '—',
      matters: differs,
      rank: differs ? 1 : 2,
    });
  }
  return rows.sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...row }) => row);
}

/** `list` with the entries missing from `other` first (the ones that matter), then the rest. */
function notIn(list: unknown[], other: unknown[]): unknown[] {
  const inOther = (v: unknown) => other.some((o) => sameValue(o, v));
  return [...list.filter((v) => !inOther(v)), ...list.filter(inOther)];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The same in words: `[]` and "none (apply to all messages)" — an expected value may explain itself in parentheses. */
function sameWords(seen: unknown, expected: unknown): boolean {
  const a = words(seen).toLowerCase();
  const b = words(expected).toLowerCase();
  return a === b || b.startsWith(`${a} (`);
}

/** A value as plain words: lists joined (first entries, then "and N more"), records as "name (key: value, …)". */
export function cell(value: unknown): string {
  const text = words(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function words(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const shown = value.slice(0, MAX_ENTRIES).map(words);
    const more = value.length - shown.length;
    return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([k, v]) => !INTERNAL.has(k) && v !== undefined);
    const [first, ...rest] = entries;
    if (!first) return '—';
    const tail = rest.map(([k, v]) => `${lowerFirst(settingName(k))}: ${words(v)}`).join('; ');
    return rest.length > 0 ? `${words(first[1])} (${tail})` : words(first[1]);
  }
  return String(value);
}

const lowerFirst = (w: string) => (/^[A-Z][a-z]/.test(w) && !/[A-Z]/.test(w.slice(1)) ? w.toLowerCase() : w);

const ACRONYMS: Record<string, string> = { ips: 'IPs', ip: 'IP', erp: 'ERP', smtp: 'SMTP', imap: 'IMAP', url: 'URL', mx: 'MX', id: 'id' };

/**
 * The name a person knows a setting by: Exchange's own property names (`SenderIPAddresses`) stay
 * as written; the bot's camelCase keys become words (`erpEgressIps` → "ERP egress IPs").
 */
export function settingName(key: string): string {
  if (/^[A-Z]/.test(key)) return key;
  const parts = key.split(/(?=[A-Z])/).map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  const [head = '', ...tail] = parts;
  return [head.charAt(0).toUpperCase() + head.slice(1), ...tail].join(' ');
}
