/**
 * "What changed since the last passing run": the observed values before → after, one line each,
 * in a person's terms (`State` Enabled → Disabled; `SenderIPAddresses` lost 203.0.113.10).
 * Pure; the caller makes the text safe for chat.
 */
export interface Change {
  path: string;
  text: string;
}

/** Values that change on every run and say nothing about the setup. */
const VOLATILE = new Set(['requestId', 'durationMs', 'finishedAt', 'tokens', 'receivedAt', 'at']);
/** Fields that name an element of a list of objects (connectors, rules, entries). */
const NAME_FIELDS = ['Name', 'name', 'id', 'Identity', 'entry', 'connector', 'hop'];
const MAX_VALUE = 80;

export function observedDiff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  options: { important?: readonly string[]; limit?: number } = {},
): Change[] {
  const changes: Change[] = [];
  compare(before, after, '', changes);
  const important = new Set(options.important ?? []);
  const rank = (c: Change) => (important.has(lastSegment(c.path)) ? 0 : 1);
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c)
    .slice(0, options.limit ?? 6);
}

function compare(before: unknown, after: unknown, path: string, out: Change[]): void {
  if (same(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    // In a nested map (recipients by name), entries that come and go are one line for the map.
    const lost: string[] = [];
    const gained: string[] = [];
    for (const key of union(Object.keys(before), Object.keys(after))) {
      if (VOLATILE.has(key)) continue;
      if (path && before[key] === undefined && isRecord(after[key])) gained.push(key);
      else if (path && after[key] === undefined && isRecord(before[key])) lost.push(key);
      else compare(before[key], after[key], join(path, key), out);
    }
    if (lost.length || gained.length) out.push({ path, text: `\`${path}\` ${lostGained(lost, gained)}` });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.every(isRecord) && after.every(isRecord) && (before.length > 0 || after.length > 0)) {
      compareNamed(before, after, path, out);
      return;
    }
    if (before.every(isScalar) && after.every(isScalar)) {
      const was = new Set(before.map(show));
      const now = new Set(after.map(show));
      const lost = [...was].filter((v) => !now.has(v));
      const gained = [...now].filter((v) => !was.has(v));
      if (lost.length === 0 && gained.length === 0) {
        out.push({ path, text: `\`${path}\` reordered: ${clip(after.map(show).join(', '))}` });
        return;
      }
      const parts = [lost.length ? `lost ${clip(lost.join(', '))}` : '', gained.length ? `gained ${clip(gained.join(', '))}` : ''].filter(
        Boolean,
      );
      out.push({ path, text: `\`${path}\` ${parts.join(', ')}` });
      return;
    }
  }
  out.push({ path, text: `\`${path}\` ${showValue(before)} → ${showValue(after)}` });
}

/** Lists of objects: matched by their name field; added and removed elements are one line each. */
function compareNamed(before: Record<string, unknown>[], after: Record<string, unknown>[], path: string, out: Change[]): void {
  const name = (o: Record<string, unknown>, i: number) => {
    const field = NAME_FIELDS.find((f) => isScalar(o[f]) && o[f] !== null);
    return field ? show(o[field]) : `#${i + 1}`;
  };
  const was = new Map(before.map((o, i) => [name(o, i), o]));
  const now = new Map(after.map((o, i) => [name(o, i), o]));
  const lost = [...was.keys()].filter((k) => !now.has(k));
  const gained = [...now.keys()].filter((k) => !was.has(k));
  if (lost.length || gained.length) {
    const parts = [lost.length ? `lost ${clip(lost.join(', '))}` : '', gained.length ? `gained ${clip(gained.join(', '))}` : ''].filter(
      Boolean,
    );
    out.push({ path, text: `\`${path}\` ${parts.join(', ')}` });
  }
  for (const [key, value] of now) {
    const old = was.get(key);
    if (old) compare(old, value, `${path}[${key}]`, out);
  }
}

function lostGained(lost: string[], gained: string[]): string {
  return [lost.length ? `lost ${clip(lost.join(', '))}` : '', gained.length ? `gained ${clip(gained.join(', '))}` : '']
    .filter(Boolean)
    .join(', ');
}

function showValue(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (Array.isArray(value)) return value.length ? clip(value.map(show).join(', ')) : '(empty)';
  if (isRecord(value)) {
    const fields = Object.entries(value).filter(([k, v]) => !VOLATILE.has(k) && isScalar(v) && v !== null);
    return clip(fields.map(([k, v]) => `${k} ${show(v)}`).join(', ') || '(set)');
  }
  return clip(show(value));
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value)) return JSON.stringify(value);
  return String(value);
}

function clip(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function lastSegment(path: string): string {
  return (
    path
      .replace(/\[[^\]]*\]/g, '')
      .split('.')
      .pop() ?? path
  );
}
