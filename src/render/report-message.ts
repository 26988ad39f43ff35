import type { CheckResult, CheckStatus, Report } from '../engine/result.js';
import { AREAS, type Area } from '../engine/result.js';
import type { Message, MessageBlock } from './message.js';

export const AREA_LABEL: Record<Area, string> = {
  exchange: 'Exchange Online',
  entra: 'Entra ID',
  dns: 'DNS',
  erp: 'ERP (Twenty20)',
  mailflow: 'Mail flow',
};

const ORDER: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, skip: 3, pass: 4 };

/**
 * "2 failing, 1 warning, 19 passing — Connector IPs, Catch-all rule". Failing = `fail`; checks the
 * bot could not tell (`error`) are counted apart, because "could not check" is not "broken".
 */
export function summaryLine(report: Pick<Report, 'checks' | 'summary'>): string {
  const s = report.summary;
  const parts: string[] = [];
  if (s.fail) parts.push(`${s.fail} failing`);
  if (s.error) parts.push(`${s.error} could not be checked`);
  if (s.warn) parts.push(`${s.warn} warning${s.warn === 1 ? '' : 's'}`);
  parts.push(`${s.pass} passing`);
  if (s.skip) parts.push(`${s.skip} skipped`);
  const named = report.checks
    .filter((c) => c.status === 'fail' || c.status === 'error')
    .map((c) => shortName(c.id))
    .slice(0, 4);
  const more = s.fail + s.error - named.length;
  const tail =
    named.length > 0 ? ` — ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : s.ok && s.warn === 0 ? ' — all good' : '';
  return `${parts.join(', ')}${tail}`;
}

const WORDS: Record<string, string> = {
  ips: 'IPs',
  catchall: 'catch-all',
  mx: 'MX',
  spf: 'SPF',
  dmarc: 'DMARC',
  dkim: 'DKIM',
  imap: 'IMAP',
  e2e: 'end-to-end test',
  params: 'parameters',
};
const AREA_PREFIX: Record<string, string> = { exchange: '', entra: 'Entra', dns: 'DNS', erp: 'ERP', mailflow: '' };

/**
 * A short name for the summary line, from the id: `exchange-connector-ips` → "connector IPs",
 * `erp-incoming-server` → "ERP incoming server", `dns-mx` → "DNS MX".
 */
export function shortName(id: string): string {
  const [area = '', ...rest] = id.split('-');
  const words = rest.map((w) => WORDS[w] ?? w);
  const prefix = AREA_PREFIX[area] ?? area;
  return [prefix, ...words].filter(Boolean).join(' ');
}

export function reportTone(report: Pick<Report, 'summary'>): Message['tone'] {
  const s = report.summary;
  if (s.fail > 0) return 'bad';
  if (s.error > 0) return 'error';
  if (s.warn > 0) return 'warn';
  return 'ok';
}

/** One check as a message block: detail, then the fix by hand and its command. */
export function checkBlock(c: CheckResult): MessageBlock {
  // A cause that points at the check itself adds nothing; one the detail already explains needs only its pointer.
  let cause = '';
  if (c.cause && c.cause.checkId !== c.id) {
    cause = c.detail.includes(c.cause.explanation)
      ? ` See \`${c.cause.checkId}\`.`
      : ` Likely cause: ${c.cause.explanation} (see \`${c.cause.checkId}\`).`;
  }
  // Nothing to fix on a check that passed or did not run.
  const fix = c.status === 'pass' || c.status === 'skip' ? undefined : c.remediation;
  return {
    type: 'check',
    id: c.id,
    title: c.title,
    status: c.status,
    detail: `${c.detail}${cause}`,
    remediation: fix?.manual,
    command: fix?.command,
    evidence: evidence(c),
  };
}

/**
 * Short "seen X, expected Y" lines where a check's observed and expected values are plain values
 * (or short lists of them) that differ; records and long lists stay in the full evidence (thread / collapsible / --json).
 */
function evidence(c: CheckResult): { label: string; value: string }[] | undefined {
  if (c.status === 'pass') return undefined;
  const items: { label: string; value: string }[] = [];
  for (const [key, expected] of Object.entries(c.expected)) {
    const seen = c.observed[key];
    if (!(key in c.observed) || !isPlain(seen) || !isPlain(expected) || JSON.stringify(seen) === JSON.stringify(expected)) continue;
    items.push({ label: key, value: `seen ${short(seen)}, expected ${short(expected)}` });
  }
  return items.length > 0 ? items.slice(0, 5) : undefined;
}

function isPlain(value: unknown): boolean {
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  return scalar(value) || (Array.isArray(value) && value.length <= 5 && value.every(scalar));
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * One block per check, except that checks the bot could not read for the same reason (same error
 * code from the same service, e.g. a missing Exchange role) share one block: the cause once, then
 * which checks it hides. Each check's own text stays in the evidence.
 */
function areaBlocks(checks: CheckResult[]): MessageBlock[] {
  const groups = new Map<string, CheckResult[]>();
  for (const c of checks) {
    const key = reasonKey(c);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const blocks: MessageBlock[] = [];
  const emitted = new Set<string>();
  for (const c of checks) {
    const key = reasonKey(c);
    const group = key === undefined ? undefined : groups.get(key);
    if (key === undefined || !group || group.length < 2) {
      blocks.push(checkBlock(c));
      continue;
    }
    if (emitted.has(key)) continue;
    emitted.add(key);
    blocks.push({
      type: 'check',
      id: group.map((g) => g.id).join(', '),
      title: `${group.length} checks could not be read, for one reason`,
      status: 'error',
      detail: c.detail,
      evidence: [{ label: 'Checks', value: group.map((g) => g.title).join('; ') }],
    });
  }
  return blocks;
}

/** Why a check could not be read: its error code and the service, e.g. `InsufficientPermission|exchange`. */
function reasonKey(c: CheckResult): string | undefined {
  if (c.status !== 'error' || typeof c.observed.errorCode !== 'string') return undefined;
  return `${c.observed.errorCode}|${String(c.observed.source ?? '')}`;
}

/**
 * The status reply: summary first; per area, failures first with cause and remediation; warnings;
 * skips and passing checks folded; the raw evidence (observed vs expected) in `details`.
 */
export function reportToMessage(report: Report, options: { title?: string } = {}): Message {
  const blocks: MessageBlock[] = [{ type: 'heading', text: options.title ?? `Mail setup of ${report.domain}` }];
  const notPassing = report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip');
  for (const area of AREAS) {
    const inArea = notPassing.filter((c) => c.area === area).sort((a, b) => ORDER[a.status] - ORDER[b.status]);
    if (inArea.length === 0) continue;
    blocks.push({ type: 'heading', text: AREA_LABEL[area] });
    blocks.push(...areaBlocks(inArea));
  }
  const skipped = report.checks.filter((c) => c.status === 'skip');
  if (skipped.length > 0) {
    blocks.push({
      type: 'folded',
      label: `Skipped (${skipped.length}) — they depend on a step above or are not configured`,
      items: skipped.map((c) => ({ id: c.id, title: c.title, status: c.status })),
    });
  }
  const passing = report.checks.filter((c) => c.status === 'pass');
  if (passing.length > 0) {
    blocks.push({
      type: 'folded',
      label: `Passing (${passing.length})`,
      items: passing.map((c) => ({ id: c.id, title: c.title, status: c.status })),
    });
  }
  const details: MessageBlock[] = notPassing.map((c) => ({
    type: 'code',
    text: `${c.id} (${c.status})\nobserved: ${JSON.stringify(c.observed, null, 1)}\nexpected: ${JSON.stringify(c.expected, null, 1)}`,
  }));
  return {
    summary: summaryLine(report),
    tone: reportTone(report),
    blocks,
    details: details.length > 0 ? details : undefined,
  };
}

/** While a run is going: what is done so far, the rest pending. */
export function progressMessage(domain: string, planned: { id: string; title: string }[], done: CheckResult[]): Message {
  const failing = done.filter((c) => c.status === 'fail' || c.status === 'error');
  const blocks: MessageBlock[] = [{ type: 'heading', text: `Mail setup of ${domain}` }];
  for (const c of failing) blocks.push(checkBlock(c));
  blocks.push({
    type: 'folded',
    label: `Checked ${done.length} of ${planned.length}`,
    items: planned.map((p) => ({ id: p.id, title: p.title, status: done.find((c) => c.id === p.id)?.status ?? 'pending' })),
  });
  return {
    summary: `Checking ${domain}… ${done.length} of ${planned.length} done${failing.length ? `, ${failing.length} failing so far` : ''}`,
    tone: 'info',
    blocks,
    inProgress: true,
  };
}
