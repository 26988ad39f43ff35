import type { WatchConfig } from '../config/schema.js';
import type { WatchPauses } from './watch-pauses.js';
import type { WatchedTenant } from './watcher.js';

/**
 * What the `watch` verb reads and changes: the schedule, each tenant's next and last run, pauses.
 * The running bot passes its watcher's; the CLI one over the store (no next run: the bot schedules).
 */
export interface WatchControl {
  config: WatchConfig;
  /** The watch runs in this process (the bot); false in the CLI. */
  running: boolean;
  tenants(now?: Date): WatchedTenant[];
  pauses: WatchPauses;
  /** The watch's clock (the scheduler's in the bot, so replies agree with it under a test clock). */
  now(): Date;
}
