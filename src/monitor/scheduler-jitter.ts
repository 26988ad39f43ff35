import { createHash } from 'node:crypto';

/**
 * Where in the interval a tenant runs: a stable hash of its name spread over `[0, intervalMs)`,
 * whole seconds (the timer's grain). The same tenant keeps its place across restarts, and many
 * tenants do not all call the services at the top of the interval.
 */
export function jitterOffsetMs(tenant: string, intervalMs: number): number {
  const seconds = Math.max(1, Math.floor(intervalMs / 1000));
  const hash = createHash('sha256').update(tenant).digest().readUInt32BE(0);
  return (hash % seconds) * 1000;
}
