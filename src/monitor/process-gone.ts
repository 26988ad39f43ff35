import { hostname } from 'node:os';

/**
 * A process recorded in the store by its host and pid that has ended: on this host when no such
 * pid exists any more; on another host it cannot be told (the caller falls back on a time limit).
 */
export function processGone(held: { host: string; pid: number }): boolean {
  if (held.host !== hostname()) return false;
  try {
    process.kill(held.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
