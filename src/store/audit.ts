import type Database from 'better-sqlite3';
import type { PlanActor } from '../approvals/plan.js';

export type AuditEvent =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'stale'
  | 'applying'
  | 'applied'
  | 'failed'
  | 'partial'
  | 'interrupted'
  | 'verified'
  | 'refused'
  | 'watch-paused'
  | 'watch-resumed'
  | 'alert-acknowledged'
  | 'alert-snoozed';

export interface AuditEntry {
  id: number;
  at: string;
  event: AuditEvent;
  tenant: string;
  checkId?: string;
  planId?: string;
  actor?: PlanActor;
  /** The plan's changes, the call results, the reason — whatever the event rests on. Never secrets. */
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

interface Row {
  id: number;
  at: string;
  event: AuditEvent;
  tenant: string;
  check_id: string | null;
  plan_id: string | null;
  actor: string | null;
  details: string;
}

/**
 * The audit log: append-only. This class has no UPDATE or DELETE, and the table's triggers
 * (its migration) refuse both, so not even a bug elsewhere can rewrite history.
 */
export class AuditLog {
  readonly #db: Database.Database;
  readonly #now: () => Date;

  constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  append(entry: NewAuditEntry): AuditEntry {
    const at = this.#now().toISOString();
    const info = this.#db
      .prepare('INSERT INTO audit (at, event, tenant, check_id, plan_id, actor, details) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        at,
        entry.event,
        entry.tenant,
        entry.checkId ?? null,
        entry.planId ?? null,
        entry.actor ? JSON.stringify(entry.actor) : null,
        JSON.stringify(entry.details),
      );
    return { ...entry, id: Number(info.lastInsertRowid), at };
  }

  /** Newest first. */
  list(options: { tenant?: string; limit?: number; planId?: string } = {}): AuditEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.tenant) {
      where.push('tenant = ?');
      params.push(options.tenant);
    }
    if (options.planId) {
      where.push('plan_id = ?');
      params.push(options.planId);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, options.limit ?? 50) as Row[];
    return rows.map(fromRow);
  }
}

function fromRow(row: Row): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    event: row.event,
    tenant: row.tenant,
    ...(row.check_id ? { checkId: row.check_id } : {}),
    ...(row.plan_id ? { planId: row.plan_id } : {}),
    ...(row.actor ? { actor: JSON.parse(row.actor) as PlanActor } : {}),
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}
