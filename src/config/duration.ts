/**
 * Durations as people write them in config and chat: `30s`, `5m`, `1h`, `2d` (one number, one
 * unit). Returns milliseconds, or undefined when the text is not one.
 */
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)$/i.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[(match[2] as string).toLowerCase() as keyof typeof UNIT_MS];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** 300000 → `5m`, 90000 → `90s`: the largest unit that divides the duration. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
