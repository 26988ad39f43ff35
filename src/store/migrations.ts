/**
 * Schema migrations, applied in order and recorded in `PRAGMA user_version`. Append only: a new
 * table or column is a new entry, never an edit of an old one (databases in the field ran them).
 * Each statement is written to be harmless when re-run, so a half-applied upgrade heals itself.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'key/value records and chat conversation references',
    sql: `
      CREATE TABLE IF NOT EXISTS kv (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS conversation_refs (
        platform        TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        scope           TEXT,
        tenant_id       TEXT,
        reference       TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (platform, conversation_id)
      );
    `,
  },
  {
    version: 2,
    description: 'end-to-end test runs: the admission claim (a lease), the result, the rate limit',
    sql: `
      CREATE TABLE IF NOT EXISTS e2e_runs (
        id          TEXT PRIMARY KEY,
        tenant      TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('running', 'finished', 'abandoned')),
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        lease_until INTEGER NOT NULL,
        owner_host  TEXT NOT NULL,
        owner_pid   INTEGER NOT NULL,
        verdict     TEXT,
        result      TEXT
      );
      CREATE INDEX IF NOT EXISTS e2e_runs_by_tenant ON e2e_runs (tenant, started_at);
      `,
  },
  {
    version: 3,
    description: 'fix plans and the append-only audit log',
    sql: `
      CREATE TABLE IF NOT EXISTS plans (
        id         TEXT PRIMARY KEY,
        tenant     TEXT NOT NULL,
        check_id   TEXT NOT NULL,
        target     TEXT NOT NULL,
        state      TEXT NOT NULL,
        body       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- One open plan per target: the store refuses a second even if two requests race.
      CREATE UNIQUE INDEX IF NOT EXISTS plans_open_target ON plans (tenant, target) WHERE state IN ('pending', 'approved', 'applying');
      CREATE TABLE IF NOT EXISTS audit (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        at       TEXT NOT NULL,
        event    TEXT NOT NULL,
        tenant   TEXT NOT NULL,
        check_id TEXT,
        plan_id  TEXT,
        actor    TEXT,
        details  TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_tenant ON audit (tenant, id);
      CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 4,
    description: 'alerts: their state machine, recent results (flapping), last passing observations, posted roots, the outbox',
    sql: `
      CREATE TABLE IF NOT EXISTS alerts (
        id              TEXT PRIMARY KEY,
        tenant          TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('fail', 'error')),
        alert_key       TEXT NOT NULL,
        check_id        TEXT NOT NULL,
        target          TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'acknowledged', 'snoozed', 'resolved')),
        fails           INTEGER NOT NULL DEFAULT 0,
        passes          INTEGER NOT NULL DEFAULT 0,
        flapping        INTEGER NOT NULL DEFAULT 0,
        opened_at       TEXT NOT NULL,
        firing_at       TEXT,
        resolved_at     TEXT,
        last_failed_at  TEXT,
        notified_at     TEXT,
        ack_actor       TEXT,
        ack_reason      TEXT,
        ack_at          TEXT,
        snoozed_until   TEXT,
        snooze_reason   TEXT,
        snooze_actor    TEXT,
        channels        TEXT NOT NULL DEFAULT '[]',
        body            TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      );
      -- One open alert per key: a second observer racing the first cannot open a twin.
      CREATE UNIQUE INDEX IF NOT EXISTS alerts_open_key ON alerts (tenant, kind, alert_key) WHERE state != 'resolved';
      CREATE INDEX IF NOT EXISTS alerts_by_tenant ON alerts (tenant, state);
      CREATE TABLE IF NOT EXISTS alert_results (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant    TEXT NOT NULL,
        kind      TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        at        TEXT NOT NULL,
        failing   INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS alert_results_by_key ON alert_results (tenant, kind, alert_key, seq);
      CREATE TABLE IF NOT EXISTS last_pass (
        tenant   TEXT NOT NULL,
        check_id TEXT NOT NULL,
        target   TEXT NOT NULL,
        at       TEXT NOT NULL,
        observed TEXT NOT NULL,
        PRIMARY KEY (tenant, check_id, target)
      );
      CREATE TABLE IF NOT EXISTS alert_posts (
        alert_id        TEXT NOT NULL REFERENCES alerts (id),
        platform        TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        posted_at       TEXT NOT NULL,
        PRIMARY KEY (alert_id, platform, conversation_id)
      );
      CREATE TABLE IF NOT EXISTS outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id        TEXT NOT NULL REFERENCES alerts (id),
        platform        TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('root', 'update', 'thread')),
        message         TEXT NOT NULL,
        broadcast       INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        not_before      INTEGER NOT NULL,
        created_at      TEXT NOT NULL,
        sent_at         TEXT,
        failed_at       TEXT,
        last_error      TEXT
      );
      CREATE INDEX IF NOT EXISTS outbox_due ON outbox (sent_at, failed_at, id);
    `,
  },
  {
    version: 5,
    description: 'outbox delivery lease: one process at a time posts alerts (the bot, or `watch --once` from cron)',
    sql: `
      CREATE TABLE IF NOT EXISTS outbox_lease (
        id     INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        host   TEXT NOT NULL,
        pid    INTEGER NOT NULL,
        until  INTEGER NOT NULL
      );
    `,
  },
];
