import type { CheckResult, CheckStatus, Report } from '../engine/result.js';
import { AREAS, type Area } from '../engine/result.js';
import { evidenceRows } from './evidence.js';
import type { Message, MessageBlock } from './message.js';
import { duration, personTime } from './time.js';

/** How a reply names the tenant, the same in every reply: by its domain. */
export function tenantHeading(domain: string, what?: string): string {
  return what ? `Mail setup of ${domain}: ${what}` : `Mail setup of ${domain}`;
}

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

/**
 * One check as a message block: detail, then the fix by hand and its command. A failure that
 * follows from another failing check of the same report (its `cause` points there) says so once
 * and points to it, without repeating that check's cause and fix.
 */
export function checkBlock(c: CheckResult, report?: Pick<Report, 'checks'>): MessageBlock {
  const root = c.cause && c.cause.checkId !== c.id ? report?.checks.find((r) => r.id === c.cause?.checkId) : undefined;
  const evidence = evidenceLines(c);
  const base = { type: 'check' as const, id: c.id, title: c.title, status: c.status, ...(evidence ? { evidence } : {}) };
  if (c.cause && root && root.status !== 'pass' && root.status !== 'skip') {
    return { ...base, detail: `${withoutCause(c.detail, c.cause.explanation)} This follows from \`${root.id}\`: fix that first.` };
  }
  // A cause that points at the check itself adds nothing; one the detail already explains needs only its pointer.
  let cause = '';
  if (c.cause && c.cause.checkId !== c.id) {
    cause = c.detail.includes(c.cause.explanation)
      ? ` See \`${c.cause.checkId}\`.`
      : ` Likely cause: ${c.cause.explanation.replace(/\.$/, '')} (see \`${c.cause.checkId}\`).`;
  }
  // Nothing to fix on a check that passed or did not run.
  const fix = c.status === 'pass' || c.status === 'skip' ? undefined : c.remediation;
  return {
    ...base,
    detail: `${c.detail}${cause}`,
    ...(fix?.manual ? { remediation: fix.manual } : {}),
    ...(fix?.command ? { command: fix.command } : {}),
  };
}

/** The detail without the cause's explanation (and its "Likely cause:" lead-in and pointer), which the root check tells. */
function withoutCause(detail: string, explanation: string): string {
  const at = detail.indexOf(explanation);
  if (at < 0) return detail;
  const lead = /\s*Likely cause(?: \([^)]*\))?:\s*$/.exec(detail.slice(0, at));
  const start = lead ? lead.index : at;
  const pointer = /^\s*\(see `[^`]+`\)\.?/.exec(detail.slice(at + explanation.length));
  const end = at + explanation.length + (pointer ? pointer[0].length : 0);
  return `${detail.slice(0, start).trimEnd()} ${detail.slice(end).trimStart()}`.trim();
}

/**
 * The evidence lines that matter, short ("SenderIPAddresses: 203.0.113.99 — expected 203.0.113.10",
 * "Missing: 203.0.113.10"); every row is in the evidence table (thread / collapsible / --details).
 */
function evidenceLines(c: CheckResult): { label: string; value: string }[] | undefined {
  if (c.status === 'pass') return undefined;
  const items = evidenceRows(c)
    .filter((r) => r.matters)
    .slice(0, 4)
    .map((r) => ({ label: r.setting, value: r.expected === '—' ? r.observed : `${r.observed} — expected ${r.expected}` }));
  return items.length > 0 ? items : undefined;
}

/** A check's evidence as a small table: setting, observed, expected. */
export function evidenceTable(c: CheckResult): MessageBlock | undefined {
  const rows = evidenceRows(c);
  if (rows.length === 0) return undefined;
  return {
    type: 'table',
    title: `${c.title} (${c.id})`,
    columns: ['Setting', 'Observed', 'Expected'],
    rows: rows.map((r) => [r.setting, r.observed, r.expected]),
  };
}

/**
 * One block per check, except that checks the bot could not read for the same reason (same error
 * code from the same service, e.g. a missing Exchange role) share one block: the cause once, then
 * which checks it hides. Each check's own text stays in the evidence.
 */
function areaBlocks(checks: CheckResult[], report: Pick<Report, 'checks'>): MessageBlock[] {
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
      blocks.push(checkBlock(c, report));
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
export function reportToMessage(report: Report, options: { title?: string; now?: Date } = {}): Message {
  const blocks: MessageBlock[] = [{ type: 'heading', text: options.title ?? tenantHeading(report.domain) }];
  // No age here: the reply stays in the conversation (and on the Home tab), where "just now" would go stale.
  if (report.startedAt) {
    const at = personTime(report.startedAt, options.now, { age: false });
    blocks.push({ type: 'text', text: `Checked ${at} · took ${duration(report.durationMs)}` });
  }
  const notPassing = report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip');
  for (const area of AREAS) {
    const inArea = notPassing.filter((c) => c.area === area).sort((a, b) => ORDER[a.status] - ORDER[b.status]);
    if (inArea.length === 0) continue;
    blocks.push({ type: 'heading', text: AREA_LABEL[area] });
    blocks.push(...areaBlocks(inArea, report));
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
  const details = notPassing.map(evidenceTable).filter((b): b is MessageBlock => b !== undefined);
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
  const blocks: MessageBlock[] = [{ type: 'heading', text: tenantHeading(domain) }];
  for (const c of failing) blocks.push(checkBlock(c, { checks: done }));
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
