import type { z } from 'zod';

/**
 * The keys a config mapping may have at a key path, read from the schema itself, so that an unknown
 * key can be answered with the nearest known one (`erpEgresIps` → `erpEgressIps`).
 */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: z.core.$ZodType[] = [schema];
  for (const segment of path) nodes = nodes.flatMap((node) => child(unwrap(node), segment));
  return [...new Set(nodes.flatMap((node) => unwrap(node).flatMap(keysOf)))];
}

/** Optional, default, pipe (transform) and union wrappers, down to the schemas that hold values. */
function unwrap(node: z.core.$ZodType): z.core.$ZodType[] {
  const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return unwrap(def.innerType as z.core.$ZodType);
    case 'pipe':
      return unwrap(def.in as z.core.$ZodType);
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap(unwrap);
    default:
      return [node];
  }
}

function child(node: z.core.$ZodType[], segment: PropertyKey): z.core.$ZodType[] {
  return node.flatMap((n) => {
    const def = n._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'array' && typeof segment === 'number') return [def.element as z.core.$ZodType];
    if (def.type === 'object') {
      const next = (def.shape as Record<string, z.core.$ZodType>)[String(segment)];
      return next ? [next] : [];
    }
    return [];
  });
}

function keysOf(node: z.core.$ZodType): string[] {
  const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
  return def.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

/** The known key nearest to `key` by edit distance (case-insensitive), if it is near enough to be a typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
