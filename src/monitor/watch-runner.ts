import { hostname } from 'node:os';
import { processGone } from './process-gone.js';
import type { KeyValueRecords } from './watch-pauses.js';

/** The process that runs the scheduled watch on a store, as it last said so. */
export interface WatchRunner {
  host: string;
  pid: number;
  everyMs: number;
  /** Its last cycle (or its start). */
  at: string;
}

const KEY = 'watch-runner';

/**
 * Which process watches a store: the bot says so at start and at every cycle, and clears it at
 * stop. `watch --once` reads it, so a cron job beside a running bot does not run every check a
 * second time (each failure would count twice towards firing).
 */
export class WatchRunnerRecord {
  readonly #records: KeyValueRecords;
  readonly #now: () => Date;

  constructor(records: KeyValueRecords, now: () => Date = () => new Date()) {
    this.#records = records;
    this.#now = now;
  }

  beat(everyMs: number): void {
    this.#records.set(KEY, { host: hostname(), pid: process.pid, everyMs, at: this.#now().toISOString() } satisfies WatchRunner);
  }

  /** At stop: the record goes, when it is this process's. */
  clear(): void {
    const held = this.#records.get<WatchRunner>(KEY);
    if (held && isThisProcess(held)) this.#records.delete(KEY);
  }

  /**
   * Another process watching this store now: it beat within two of its intervals and, on this
   * host, its process still exists (one killed with -9 never cleared its record).
   */
  other(): WatchRunner | undefined {
    const held = this.#records.get<WatchRunner>(KEY);
    if (!held || isThisProcess(held)) return undefined;
    if (this.#now().getTime() - Date.parse(held.at) > 2 * held.everyMs) return undefined;
    return processGone(held) ? undefined : held;
  }
}

function isThisProcess(runner: WatchRunner): boolean {
  return runner.host === hostname() && runner.pid === process.pid;
}
