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
];
