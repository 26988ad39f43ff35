import type Database from 'better-sqlite3';
import type { AlertChannel, PostedRef } from '../monitor/contract.js';
import type { Message } from '../render/message.js';

export type OutboxKind = 'root' | 'update' | 'thread';

export interface OutboxRow {
  id: number;
  alertId: string;
  channel: AlertChannel;
  kind: OutboxKind;
  message: Message;
  broadcast: boolean;
  attempts: number;
  /** Epoch ms before which the row is not tried (a Retry-After, a backoff). */
  notBefore: number;
  createdAt: string;
  sentAt?: string;
  failedAt?: string;
  lastError?: string;
}

export interface NewOutboxRow {
  alertId: string;
  channel: AlertChannel;
  kind: OutboxKind;
  message: Message;
  broadcast?: boolean;
}

/** Who holds the outbox's delivery lease: one process at a time posts alerts. */
export interface DeliveryLease {
  holder: string;
  host: string;
  pid: number;
  /** Epoch ms (the store's clock) after which the lease is free. */
  until: number;
}

interface Row {
  id: number;
  alert_id: string;
  platform: AlertChannel['platform'];
  conversation_id: string;
  kind: OutboxKind;
  message: string;
  broadcast: number;
  attempts: number;
  not_before: number;
  created_at: string;
  sent_at: string | null;
  failed_at: string | null;
  last_error: string | null;
}

/**
 * The alert outbox and the refs of posted roots. Rows are written in the same transaction as the
 * alert's state change (the caller's); delivery (src/monitor/outbox-delivery.ts) marks them sent.
 */
export class OutboxStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;

  constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  /** Queues a message. An `update` replaces the unsent updates of the same root: only the newest state matters. */
  enqueue(row: NewOutboxRow): void {
    const { alertId, channel } = row;
    if (row.kind === 'update') {
      this.#db
        .prepare(
          "DELETE FROM outbox WHERE alert_id = ? AND platform = ? AND conversation_id = ? AND kind = 'update' AND sent_at IS NULL AND failed_at IS NULL AND attempts = 0",
        )
        .run(alertId, channel.platform, channel.conversationId);
    }
    const now = this.#now();
    // Due at once (not_before 0); a failed try sets it.
    this.#db
      .prepare(
        `INSERT INTO outbox (alert_id, platform, conversation_id, kind, message, broadcast, not_before, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        alertId,
        channel.platform,
        channel.conversationId,
        row.kind,
        JSON.stringify(row.message),
        row.broadcast ? 1 : 0,
        0,
        now.toISOString(),
      );
  }

  /** Rows neither sent nor given up, in the order they were written. */
  unsent(): OutboxRow[] {
    return (this.#db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id').all() as Row[]).map(fromRow);
  }

  /** How many rows are neither sent nor given up (a count, without reading the messages). */
  unsentCount(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL').get() as { n: number }).n;
  }

  /** Every row, in order (for `watch --json` and tests); of one alert when given. */
  all(alertId?: string): OutboxRow[] {
    const rows = (
      alertId
        ? this.#db.prepare('SELECT * FROM outbox WHERE alert_id = ? ORDER BY id').all(alertId)
        : this.#db.prepare('SELECT * FROM outbox ORDER BY id').all()
    ) as Row[];
    return rows.map(fromRow);
  }

  /** How many rows were sent and given up since `iso`, and how many wait now. */
  countsSince(iso: string): { sent: number; failed: number; waiting: number } {
    return this.#db
      .prepare(
        `SELECT COALESCE(SUM(sent_at >= @iso), 0) AS sent, COALESCE(SUM(failed_at >= @iso), 0) AS failed,
                COALESCE(SUM(sent_at IS NULL AND failed_at IS NULL), 0) AS waiting FROM outbox`,
      )
      .get({ iso }) as { sent: number; failed: number; waiting: number };
  }

  /** Marks a row sent; for a root, stores where it was posted, in the same transaction. */
  markSent(id: number, posted?: PostedRef): void {
    this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT alert_id FROM outbox WHERE id = ?').get(id) as { alert_id: string } | undefined;
      const at = this.#now().toISOString();
      if (row && posted) {
        this.#db
          .prepare(
            `INSERT INTO alert_posts (alert_id, platform, conversation_id, message_id, posted_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (alert_id, platform, conversation_id) DO UPDATE SET message_id = excluded.message_id, posted_at = excluded.posted_at`,
          )
          .run(row.alert_id, posted.platform, posted.conversationId, posted.messageId, at);
      }
      this.#db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?').run(at, id);
    })();
  }

  /** A failed try: tried again at `notBefore`. */
  retryLater(id: number, notBefore: number, error: string): void {
    this.#db.prepare('UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?').run(notBefore, error, id);
  }

  /** Given up: retrying cannot help (or the root it belongs to could not be posted). */
  markFailed(id: number, error: string): void {
    this.#db
      .prepare('UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?')
      .run(this.#now().toISOString(), error, id);
  }

  /**
   * Takes or renews the delivery lease until `now + ttlMs`. Refused (false) while another holder's
   * lease runs and `isGone` does not say that holder's process has ended. One IMMEDIATE
   * transaction, so two processes cannot both take it.
   */
  claimDelivery(lease: Omit<DeliveryLease, 'until'>, ttlMs: number, isGone: (held: DeliveryLease) => boolean): boolean {
    return this.#db
      .transaction(() => {
        const now = this.#now().getTime();
        const held = this.deliveryLease();
        if (held && held.holder !== lease.holder && held.until > now && !isGone(held)) return false;
        this.#db
          .prepare(
            `INSERT INTO outbox_lease (id, holder, host, pid, until) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, until = excluded.until`,
          )
          .run(lease.holder, lease.host, lease.pid, now + ttlMs);
        return true;
      })
      .immediate();
  }

  /** Gives the lease up (only the holder's own). */
  releaseDelivery(holder: string): void {
    this.#db.prepare('DELETE FROM outbox_lease WHERE holder = ?').run(holder);
  }

  deliveryLease(): DeliveryLease | undefined {
    return this.#db.prepare('SELECT holder, host, pid, until FROM outbox_lease WHERE id = 1').get() as DeliveryLease | undefined;
  }

  /** Where an alert's root was posted in this channel. */
  postedRef(alertId: string, channel: AlertChannel): PostedRef | undefined {
    const row = this.#db
      .prepare('SELECT platform, conversation_id, message_id FROM alert_posts WHERE alert_id = ? AND platform = ? AND conversation_id = ?')
      .get(alertId, channel.platform, channel.conversationId) as
      | { platform: AlertChannel['platform']; conversation_id: string; message_id: string }
      | undefined;
    return row ? { platform: row.platform, conversationId: row.conversation_id, messageId: row.message_id } : undefined;
  }

  /** Every posted root of an alert. */
  postedRefs(alertId: string): PostedRef[] {
    const rows = this.#db
      .prepare('SELECT platform, conversation_id, message_id FROM alert_posts WHERE alert_id = ? ORDER BY posted_at')
      .all(alertId) as {
      platform: AlertChannel['platform'];
      conversation_id: string;
      message_id: string;
    }[];
    return rows.map((r) => ({ platform: r.platform, conversationId: r.conversation_id, messageId: r.message_id }));
  }
}

function fromRow(row: Row): OutboxRow {
  return {
    id: row.id,
    alertId: row.alert_id,
    channel: { platform: row.platform, conversationId: row.conversation_id },
    kind: row.kind,
    message: JSON.parse(row.message) as Message,
    broadcast: row.broadcast === 1,
    attempts: row.attempts,
    notBefore: row.not_before,
    createdAt: row.created_at,
    ...(row.sent_at ? { sentAt: row.sent_at } : {}),
    ...(row.failed_at ? { failedAt: row.failed_at } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}
