import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { redact } from '../config/secret.js';
import type { OutboxRow, OutboxStore } from '../store/outbox.js';
import {
  type AlertChannel,
  type AlertPoster,
  type AlertPosterRegistry,
  type DeliveryCounts,
  DeliveryError,
  type OutboxDelivery,
} from './contract.js';
import { processGone } from './process-gone.js';

export interface DeliveryOptions {
  outbox: OutboxStore;
  now?: () => Date;
  logger?: Logger;
  /** First backoff without a Retry-After (doubles per attempt, up to `maxBackoffMs`). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** After this many failed tries a row is given up (recorded, not retried). */
  maxAttempts?: number;
  /** How long a delivery pass holds the store's lease without renewing it (renewed before each row). */
  leaseMs?: number;
}

/**
 * Delivers the outbox through the registered posters, in order per alert and channel: a root
 * first, then its updates and thread replies (they need the root's ref). A 429/5xx is retried at
 * its Retry-After or with exponential backoff; a permanent error is recorded and not retried.
 *
 * A row is marked sent in the store right after its poster returns. The one window left: a kill
 * -9 after the platform accepted a post and before that write commits (a few microseconds after
 * the HTTP reply) posts that one message again on restart. Nothing is ever lost.
 *
 * Several processes may share the store (the bot, and `watch --once` from cron): a pass first takes
 * the store's delivery lease, so only one of them posts at a time and no message goes out twice. A
 * lease left by a process that died (kill -9 mid-pass) is taken over at once when that process
 * ran on this host, else when the lease runs out.
 */
export class StoredOutboxDelivery implements OutboxDelivery, AlertPosterRegistry {
  readonly #outbox: OutboxStore;
  readonly #now: () => Date;
  readonly #logger: Logger | undefined;
  readonly #posters = new Map<AlertChannel['platform'], AlertPoster>();
  readonly #base: number;
  readonly #max: number;
  readonly #maxAttempts: number;
  readonly #leaseMs: number;
  readonly #lease = { holder: randomUUID(), host: hostname(), pid: process.pid };
  #heldLogged = false;
  /** One delivery pass at a time: a second call waits for the first and then runs. */
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: DeliveryOptions) {
    this.#outbox = options.outbox;
    this.#now = options.now ?? (() => new Date());
    this.#logger = options.logger?.child({ component: 'alert-outbox' });
    this.#base = options.baseBackoffMs ?? 5_000;
    this.#max = options.maxBackoffMs ?? 15 * 60_000;
    this.#maxAttempts = options.maxAttempts ?? 12;
    this.#leaseMs = options.leaseMs ?? 60_000;
  }

  setPoster(platform: AlertChannel['platform'], poster: AlertPoster): void {
    this.#posters.set(platform, poster);
  }

  deliverDue(): Promise<DeliveryCounts> {
    const pass = this.#running.then(() => this.#deliver());
    this.#running = pass.catch(() => {});
    return pass;
  }

  async #deliver(): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { sent: 0, failed: 0, waiting: 0 };
    const due = this.#outbox.unsentCount();
    if (due === 0) return counts;
    if (!this.#claim()) return this.#heldElsewhere(due);
    this.#heldLogged = false;
    try {
      // Read under the lease: rows read before it may have been sent by the pass that held it.
      const rows = this.#outbox.unsent();
      // Per alert and channel, rows go out in the order they were written; one waiting row holds the rest.
      const blocked = new Set<string>();
      for (const [index, row] of rows.entries()) {
        const lane = `${row.alertId}|${row.channel.platform}|${row.channel.conversationId}`;
        if (blocked.has(lane)) {
          counts.waiting += 1;
          continue;
        }
        // Renewed before each row; lost only when this pass stalled past the lease and another took it.
        if (!this.#claim()) {
          counts.waiting += rows.length - index;
          break;
        }
        const outcome = await this.#deliverOne(row);
        counts[outcome] += 1;
        if (outcome === 'waiting') blocked.add(lane);
      }
    } finally {
      this.#outbox.releaseDelivery(this.#lease.holder);
    }
    return counts;
  }

  #claim(): boolean {
    return this.#outbox.claimDelivery(this.#lease, this.#leaseMs, (held) => processGone(held));
  }

  #heldElsewhere(waiting: number): DeliveryCounts {
    const held = this.#outbox.deliveryLease();
    const heldBy = held ? { host: held.host, pid: held.pid } : { host: '?', pid: 0 };
    if (!this.#heldLogged) {
      this.#heldLogged = true;
      this.#logger?.info({ heldBy, waiting }, 'Another mailsetup process is delivering alerts from this store; its messages wait for it');
    }
    return { sent: 0, failed: 0, waiting, heldBy };
  }

  async #deliverOne(row: OutboxRow): Promise<'sent' | 'failed' | 'waiting'> {
    const now = this.#now().getTime();
    if (row.notBefore > now) return 'waiting';
    const poster = this.#posters.get(row.channel.platform);
    if (!poster && row.channel.platform === 'console') {
      // The console that was open when the alert fired is gone (the bot restarted without one): a
      // terminal's scrollback cannot be posted to later, so its rows are given up, not kept waiting.
      this.#outbox.markFailed(row.id, 'the console it was meant for is closed');
      return 'failed';
    }
    if (!poster) return 'waiting';
    const root = row.kind === 'root' ? undefined : this.#outbox.postedRef(row.alertId, row.channel);
    if (row.kind !== 'root' && !root) {
      // The root of this channel was given up: its followers cannot go anywhere.
      const rootRow = this.#outbox.all(row.alertId).find((r) => r.kind === 'root' && sameChannel(r.channel, row.channel));
      if (!rootRow || rootRow.failedAt) {
        this.#outbox.markFailed(row.id, 'its root message could not be posted');
        return 'failed';
      }
      return 'waiting';
    }
    try {
      if (row.kind === 'root') {
        const ref = await poster.post(row.channel, row.message);
        this.#outbox.markSent(row.id, ref);
      } else if (row.kind === 'update' && root) {
        await poster.update(root, row.message);
        this.#outbox.markSent(row.id);
      } else if (root) {
        await poster.post(row.channel, row.message, { thread: root, ...(row.broadcast ? { broadcast: true } : {}) });
        this.#outbox.markSent(row.id);
      }
      return 'sent';
    } catch (error) {
      return this.#failed(row, error, now);
    }
  }

  #failed(row: OutboxRow, error: unknown, now: number): 'failed' | 'waiting' {
    const text = redact(error instanceof Error ? error.message : String(error));
    const delivery = error instanceof DeliveryError ? error : undefined;
    const attempts = row.attempts + 1;
    if (delivery?.permanent || attempts >= this.#maxAttempts) {
      this.#outbox.markFailed(row.id, text);
      this.#logger?.warn(
        { alertId: row.alertId, kind: row.kind, platform: row.channel.platform, err: text },
        'An alert message was given up',
      );
      return 'failed';
    }
    const wait = delivery?.retryAfterMs ?? Math.min(this.#max, this.#base * 2 ** (attempts - 1));
    this.#outbox.retryLater(row.id, now + wait, text);
    this.#logger?.info({ alertId: row.alertId, kind: row.kind, retryInMs: wait, err: text }, 'An alert message will be retried');
    return 'waiting';
  }
}

function sameChannel(a: AlertChannel, b: AlertChannel): boolean {
  return a.platform === b.platform && a.conversationId === b.conversationId;
}
