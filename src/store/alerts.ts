import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { CheckResult } from '../engine/result.js';
import type { AlertActor, AlertChannel, AlertKind, AlertState } from '../monitor/contract.js';

/** The last passing run of a check on a target: what the "what changed" diff compares with. */
export interface PassRecord {
  at: string;
  observed: Record<string, unknown>;
}

/** A failure that follows from this alert's check and was added to its thread instead of opening its own. */
export interface JoinedFailure {
  checkId: string;
  target: string;
  detail: string;
  at: string;
  /** Set once its thread reply is in the outbox. */
  announced: boolean;
}

/** What an alert says, kept as JSON: the title, the latest failing result, the baseline, the joined failures. */
export interface AlertBody {
  /** "contoso: the catch-all rule stopped working", "contoso: cannot check the ERP (connection refused)". */
  title: string;
  /** The latest failing (or erring) result, already free of secrets and control characters. */
  result: CheckResult;
  /** The last passing observation before the alert opened (absent: no pass was seen). */
  baseline?: PassRecord;
  /** For an `error` alert: every check that could not tell because of this cause. */
  members: string[];
  joined: JoinedFailure[];
}

export interface AlertRecord {
  id: string;
  tenant: string;
  kind: AlertKind;
  /** `<check-id>/<target>` for `fail`; `<source>/<error class>` for `error` (one alert per cause). */
  key: string;
  checkId: string;
  target: string;
  state: AlertState;
  /** Consecutive failing and passing runs. */
  fails: number;
  passes: number;
  flapping: boolean;
  openedAt: string;
  firingAt?: string;
  resolvedAt?: string;
  lastFailedAt?: string;
  /** The last time the channel was told (root, follow-up, re-notification). */
  notifiedAt?: string;
  ack?: { actor: AlertActor; reason: string; at: string };
  snooze?: { until: string; reason: string; actor: AlertActor };
  /** Where the root was (or will be) posted; updates and thread replies follow it there. */
  channels: AlertChannel[];
  body: AlertBody;
  updatedAt: string;
}

export type NewAlert = Pick<AlertRecord, 'tenant' | 'kind' | 'key' | 'checkId' | 'target' | 'body'>;

interface Row {
  id: string;
  tenant: string;
  kind: AlertKind;
  alert_key: string;
  check_id: string;
  target: string;
  state: AlertState;
  fails: number;
  passes: number;
  flapping: number;
  opened_at: string;
  firing_at: string | null;
  resolved_at: string | null;
  last_failed_at: string | null;
  notified_at: string | null;
  ack_actor: string | null;
  ack_reason: string | null;
  ack_at: string | null;
  snoozed_until: string | null;
  snooze_reason: string | null;
  snooze_actor: string | null;
  channels: string;
  body: string;
  updated_at: string;
}

/** How many recent results per key are kept for the flapping percentage. */
export const RESULT_HISTORY = 20;

/**
 * The alerts' rows, their recent results and the last passing observations. The alert book
 * (src/monitor/alert-book.ts) decides; this class reads and writes inside its transactions.
 */
export class AlertStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;

  constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  /** One IMMEDIATE transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.#db.inTransaction ? fn() : this.#db.transaction(fn).immediate();
  }

  create(alert: NewAlert, at: string): AlertRecord {
    const record: AlertRecord = {
      ...alert,
      id: newAlertId(),
      state: 'pending',
      fails: 0,
      passes: 0,
      flapping: false,
      openedAt: at,
      channels: [],
      updatedAt: at,
    };
    this.#db
      .prepare(
        `INSERT INTO alerts (id, tenant, kind, alert_key, check_id, target, state, opened_at, body, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(record.id, record.tenant, record.kind, record.key, record.checkId, record.target, at, JSON.stringify(record.body), at);
    return record;
  }

  save(alert: AlertRecord): void {
    alert.updatedAt = this.#now().toISOString();
    this.#db
      .prepare(
        `UPDATE alerts SET state = @state, fails = @fails, passes = @passes, flapping = @flapping, firing_at = @firingAt,
           resolved_at = @resolvedAt, last_failed_at = @lastFailedAt, notified_at = @notifiedAt, ack_actor = @ackActor,
           ack_reason = @ackReason, ack_at = @ackAt, snoozed_until = @snoozedUntil, snooze_reason = @snoozeReason,
           snooze_actor = @snoozeActor, channels = @channels, body = @body, updated_at = @updatedAt
         WHERE id = @id`,
      )
      .run({
        id: alert.id,
        state: alert.state,
        fails: alert.fails,
        passes: alert.passes,
        flapping: alert.flapping ? 1 : 0,
        firingAt: alert.firingAt ?? null,
        resolvedAt: alert.resolvedAt ?? null,
        lastFailedAt: alert.lastFailedAt ?? null,
        notifiedAt: alert.notifiedAt ?? null,
        ackActor: alert.ack ? JSON.stringify(alert.ack.actor) : null,
        ackReason: alert.ack?.reason ?? null,
        ackAt: alert.ack?.at ?? null,
        snoozedUntil: alert.snooze?.until ?? null,
        snoozeReason: alert.snooze?.reason ?? null,
        snoozeActor: alert.snooze ? JSON.stringify(alert.snooze.actor) : null,
        channels: JSON.stringify(alert.channels),
        body: JSON.stringify(alert.body),
        updatedAt: alert.updatedAt,
      });
  }

  get(id: string): AlertRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The open (not resolved) alerts, oldest first; of one tenant when given. */
  open(tenant?: string): AlertRecord[] {
    const rows = (
      tenant
        ? this.#db.prepare("SELECT * FROM alerts WHERE state != 'resolved' AND tenant = ? ORDER BY opened_at, id").all(tenant)
        : this.#db.prepare("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY opened_at, id").all()
    ) as Row[];
    return rows.map(fromRow);
  }

  /** Snoozed alerts whose snooze has ended by `now`. */
  snoozesEnded(now: Date): AlertRecord[] {
    const rows = this.#db
      .prepare("SELECT * FROM alerts WHERE state = 'snoozed' AND snoozed_until <= ? ORDER BY snoozed_until, id")
      .all(now.toISOString()) as Row[];
    return rows.map(fromRow);
  }

  /** Appends one result of a key (failing or not), keeping the last RESULT_HISTORY. */
  recordResult(tenant: string, kind: AlertKind, key: string, at: string, failing: boolean): void {
    this.#db
      .prepare('INSERT INTO alert_results (tenant, kind, alert_key, at, failing) VALUES (?, ?, ?, ?, ?)')
      .run(tenant, kind, key, at, failing ? 1 : 0);
    this.#db
      .prepare(
        `DELETE FROM alert_results WHERE tenant = ? AND kind = ? AND alert_key = ? AND seq NOT IN
           (SELECT seq FROM alert_results WHERE tenant = ? AND kind = ? AND alert_key = ? ORDER BY seq DESC LIMIT ${RESULT_HISTORY})`,
      )
      .run(tenant, kind, key, tenant, kind, key);
  }

  /** The key's recent results, oldest first (true = failing). */
  recentResults(tenant: string, kind: AlertKind, key: string): boolean[] {
    const rows = this.#db
      .prepare('SELECT failing FROM alert_results WHERE tenant = ? AND kind = ? AND alert_key = ? ORDER BY seq')
      .all(tenant, kind, key) as { failing: number }[];
    return rows.map((r) => r.failing === 1);
  }

  savePass(tenant: string, checkId: string, target: string, pass: PassRecord): void {
    this.#db
      .prepare(
        `INSERT INTO last_pass (tenant, check_id, target, at, observed) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant, check_id, target) DO UPDATE SET at = excluded.at, observed = excluded.observed`,
      )
      .run(tenant, checkId, target, pass.at, JSON.stringify(pass.observed));
  }

  /** The last pass of the check on this target, else on any target (a renamed rule). */
  lastPass(tenant: string, checkId: string, target: string): PassRecord | undefined {
    const row = (this.#db
      .prepare('SELECT at, observed FROM last_pass WHERE tenant = ? AND check_id = ? AND target = ?')
      .get(tenant, checkId, target) ??
      this.#db
        .prepare('SELECT at, observed FROM last_pass WHERE tenant = ? AND check_id = ? ORDER BY at DESC LIMIT 1')
        .get(tenant, checkId)) as { at: string; observed: string } | undefined;
    return row ? { at: row.at, observed: JSON.parse(row.observed) as Record<string, unknown> } : undefined;
  }
}

/** Alert ids are short (typed in `alerts ack <id>`) and random (a button carries only the id). */
function newAlertId(): string {
  return `a-${randomBytes(4).toString('hex')}`;
}

function fromRow(row: Row): AlertRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    kind: row.kind,
    key: row.alert_key,
    checkId: row.check_id,
    target: row.target,
    state: row.state,
    fails: row.fails,
    passes: row.passes,
    flapping: row.flapping === 1,
    openedAt: row.opened_at,
    ...(row.firing_at ? { firingAt: row.firing_at } : {}),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
    ...(row.last_failed_at ? { lastFailedAt: row.last_failed_at } : {}),
    ...(row.notified_at ? { notifiedAt: row.notified_at } : {}),
    ...(row.ack_actor && row.ack_at
      ? { ack: { actor: JSON.parse(row.ack_actor) as AlertActor, reason: row.ack_reason ?? '', at: row.ack_at } }
      : {}),
    ...(row.snoozed_until && row.snooze_actor
      ? { snooze: { until: row.snoozed_until, reason: row.snooze_reason ?? '', actor: JSON.parse(row.snooze_actor) as AlertActor } }
      : {}),
    channels: JSON.parse(row.channels) as AlertChannel[],
    body: JSON.parse(row.body) as AlertBody,
    updatedAt: row.updated_at,
  };
}
