import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { CallRecord, CardRef, NewPlan, PlanActor, PlanRecord, PlanState } from '../approvals/plan.js';
import { OPEN_STATES } from '../approvals/plan.js';
import type { AuditLog } from './audit.js';

/** What a click did. `refused`: the clicker may not decide (the reason says why); nothing changed. */
export type Decision =
  | { kind: 'approved'; plan: PlanRecord }
  | { kind: 'needs-more'; plan: PlanRecord }
  | { kind: 'rejected'; plan: PlanRecord }
  | { kind: 'refused'; plan: PlanRecord; reason: string }
  | { kind: 'closed'; plan: PlanRecord }
  | { kind: 'unknown' };

/** Who may decide, given the plan as it is inside the transaction: a reason to refuse, or undefined. */
export type DecisionGuard = (plan: PlanRecord) => string | undefined;

interface Row {
  id: string;
  tenant: string;
  check_id: string;
  target: string;
  state: PlanState;
  body: string;
  created_at: string;
  expires_at: string;
  updated_at: string;
}

type Body = Omit<PlanRecord, 'id' | 'tenant' | 'checkId' | 'target' | 'state' | 'createdAt' | 'expiresAt' | 'updatedAt'>;

const OPEN = OPEN_STATES.map((s) => `'${s}'`).join(', ');

/**
 * The fix plans and every transition of their state machine (src/approvals/plan.ts). Each
 * transition is one IMMEDIATE transaction that reads the plan, decides, writes the new state and
 * appends the audit entry: two approvers clicking at once, or a double click, change it once.
 */
export class PlanStore {
  readonly #db: Database.Database;
  readonly #audit: AuditLog;
  readonly #now: () => Date;

  constructor(db: Database.Database, audit: AuditLog, now: () => Date) {
    this.#db = db;
    this.#audit = audit;
    this.#now = now;
  }

  /** Opens a plan, unless the target already has an open one: then that one, unchanged. */
  open(plan: NewPlan): { created: boolean; plan: PlanRecord } {
    return this.#tx(() => {
      this.#expire(plan.tenant);
      const existing = this.#db
        .prepare(`SELECT * FROM plans WHERE tenant = ? AND target = ? AND state IN (${OPEN}) LIMIT 1`)
        .get(plan.tenant, plan.target) as Row | undefined;
      if (existing) return { created: false, plan: fromRow(existing) };
      const now = this.#now().toISOString();
      const record: PlanRecord = {
        ...plan,
        id: newPlanId(),
        state: 'pending',
        approvals: [],
        callLog: [],
        createdAt: now,
        updatedAt: now,
      };
      this.#db
        .prepare(
          'INSERT INTO plans (id, tenant, check_id, target, state, body, created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(record.id, record.tenant, record.checkId, record.target, record.state, bodyOf(record), now, record.expiresAt, now);
      this.#log('requested', record, record.requester, { target: record.target, changes: record.changes, calls: record.calls });
      return { created: true, plan: record };
    });
  }

  get(id: string): PlanRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Open plans, oldest first. */
  openPlans(tenant?: string): PlanRecord[] {
    const rows = (
      tenant
        ? this.#db.prepare(`SELECT * FROM plans WHERE state IN (${OPEN}) AND tenant = ? ORDER BY created_at`).all(tenant)
        : this.#db.prepare(`SELECT * FROM plans WHERE state IN (${OPEN}) ORDER BY created_at`).all()
    ) as Row[];
    return rows.map(fromRow);
  }

  /** One approval. The plan becomes `approved` when it has `required` distinct approvers. */
  approve(id: string, actor: PlanActor, guard: DecisionGuard): Decision {
    return this.#decide(id, guard, (plan) => {
      const at = this.#now().toISOString();
      plan.approvals.push({ actor, at });
      const complete = plan.approvals.length >= plan.required;
      this.#write(plan, complete ? 'approved' : 'pending');
      this.#log('approved', plan, actor, { approvals: plan.approvals.length, required: plan.required });
      return { kind: complete ? 'approved' : 'needs-more', plan };
    });
  }

  reject(id: string, actor: PlanActor, guard: DecisionGuard, reason?: string): Decision {
    return this.#decide(id, guard, (plan) => {
      plan.reason = reason
        ? `rejected by ${actor.displayName ?? actor.userId}: ${reason}`
        : `rejected by ${actor.displayName ?? actor.userId}`;
      this.#write(plan, 'rejected');
      this.#log('rejected', plan, actor, { reason: reason ?? null });
      return { kind: 'rejected', plan };
    });
  }

  /** approved → applying, once: the caller that gets the plan back is the one that applies it. */
  beginApply(id: string): PlanRecord | undefined {
    return this.#tx(() => {
      const plan = this.get(id);
      if (plan?.state !== 'approved') return undefined;
      this.#write(plan, 'applying');
      this.#log('applying', plan, undefined, { calls: plan.calls });
      return plan;
    });
  }

  /** approved → stale: the target changed since the plan; nothing was applied. */
  markStale(id: string, whatChanged: string): PlanRecord | undefined {
    return this.#tx(() => {
      const plan = this.get(id);
      if (plan?.state !== 'approved') return undefined;
      plan.reason = whatChanged;
      this.#write(plan, 'stale');
      this.#log('stale', plan, undefined, { reason: whatChanged });
      return plan;
    });
  }

  /** Recorded before the call goes out, so a restart knows it may have been applied. */
  callStarted(id: string, index: number): void {
    this.#updateCall(id, { index, state: 'started' });
  }

  callFinished(id: string, index: number, error?: string): void {
    this.#updateCall(id, error === undefined ? { index, state: 'ok' } : { index, state: 'failed', error });
  }

  /** applying → applied | failed | partial, from what the call log says. */
  finish(id: string): PlanRecord | undefined {
    return this.#tx(() => {
      const plan = this.get(id);
      if (plan?.state !== 'applying') return undefined;
      const ok = plan.callLog.filter((c) => c.state === 'ok').length;
      const state: PlanState = ok === plan.calls.length ? 'applied' : ok === 0 ? 'failed' : 'partial';
      const failed = plan.callLog.find((c) => c.state === 'failed');
      if (failed) plan.reason = `call ${failed.index + 1} of ${plan.calls.length} failed: ${failed.error}`;
      this.#write(plan, state);
      this.#log(state, plan, undefined, { results: plan.callLog });
      return plan;
    });
  }

  /** After apply: the re-check's verdict, for the audit (the plan's state stays what apply made it). */
  recordVerification(id: string, verdict: { status: string; detail: string }): void {
    const plan = this.get(id);
    if (plan) this.#log('verified', plan, undefined, verdict);
  }

  setCard(id: string, card: CardRef): void {
    this.#tx(() => {
      const plan = this.get(id);
      if (!plan) return;
      plan.card = card;
      this.#write(plan, plan.state);
    });
  }

  /** Pending or approved plans past their expiry become `expired` (the sweep at start and every minute). */
  expireDue(): PlanRecord[] {
    return this.#tx(() => this.#expire());
  }

  /**
   * At start: a plan approved but not finished when the bot stopped is `interrupted`, with what is
   * known to have been applied. It is never applied again without a new plan and approval.
   */
  recoverInterrupted(): PlanRecord[] {
    return this.#tx(() => {
      const rows = this.#db.prepare("SELECT * FROM plans WHERE state IN ('approved', 'applying')").all() as Row[];
      return rows.map((row) => {
        const plan = fromRow(row);
        const unknown = plan.callLog.filter((c) => c.state === 'started').map((c) => c.index + 1);
        const done = plan.callLog.filter((c) => c.state === 'ok').map((c) => c.index + 1);
        plan.reason =
          plan.state === 'approved'
            ? 'the bot stopped after the approval, before applying anything'
            : `the bot stopped while applying: ${done.length ? `call(s) ${done.join(', ')} applied` : 'no call known to be applied'}${unknown.length ? `; call(s) ${unknown.join(', ')} in flight, outcome unknown` : ''}`;
        this.#write(plan, 'interrupted');
        this.#log('interrupted', plan, undefined, { reason: plan.reason, results: plan.callLog });
        return plan;
      });
    });
  }

  #decide(id: string, guard: DecisionGuard, change: (plan: PlanRecord) => Decision): Decision {
    return this.#tx((): Decision => {
      const found = this.get(id);
      if (!found) return { kind: 'unknown' };
      const expired = this.#expire(found.tenant).find((p) => p.id === id);
      const plan = expired ?? found;
      if (plan.state !== 'pending') return { kind: 'closed', plan };
      const refusal = guard(plan);
      if (refusal) return { kind: 'refused', plan, reason: refusal };
      return change(plan);
    });
  }

  #expire(tenant?: string): PlanRecord[] {
    const now = this.#now().toISOString();
    const rows = (
      tenant
        ? this.#db.prepare("SELECT * FROM plans WHERE state IN ('pending', 'approved') AND expires_at <= ? AND tenant = ?").all(now, tenant)
        : this.#db.prepare("SELECT * FROM plans WHERE state IN ('pending', 'approved') AND expires_at <= ?").all(now)
    ) as Row[];
    return rows.map((row) => {
      const plan = fromRow(row);
      plan.reason = `expired at ${plan.expiresAt} without enough approvals`;
      this.#write(plan, 'expired');
      this.#log('expired', plan, undefined, { expiresAt: plan.expiresAt });
      return plan;
    });
  }

  #updateCall(id: string, record: CallRecord): void {
    this.#tx(() => {
      const plan = this.get(id);
      if (plan?.state !== 'applying') return;
      plan.callLog = [...plan.callLog.filter((c) => c.index !== record.index), record].sort((a, b) => a.index - b.index);
      this.#write(plan, plan.state);
    });
  }

  #write(plan: PlanRecord, state: PlanState): void {
    plan.state = state;
    plan.updatedAt = this.#now().toISOString();
    this.#db.prepare('UPDATE plans SET state = ?, body = ?, updated_at = ? WHERE id = ?').run(state, bodyOf(plan), plan.updatedAt, plan.id);
  }

  #log(
    event: Parameters<AuditLog['append']>[0]['event'],
    plan: PlanRecord,
    actor: PlanActor | undefined,
    details: Record<string, unknown>,
  ): void {
    this.#audit.append({ event, tenant: plan.tenant, checkId: plan.checkId, planId: plan.id, ...(actor ? { actor } : {}), details });
  }

  #tx<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }
}

/** Plan ids are random (the button carries only this id; guessing one gets a refusal, not a plan). */
function newPlanId(): string {
  return `p-${randomBytes(9).toString('base64url')}`;
}

function bodyOf(plan: PlanRecord): string {
  const { id: _i, tenant: _t, checkId: _c, target: _g, state: _s, createdAt: _a, expiresAt: _e, updatedAt: _u, ...body } = plan;
  return JSON.stringify(body satisfies Body);
}

function fromRow(row: Row): PlanRecord {
  const body = JSON.parse(row.body) as Body;
  return {
    ...body,
    id: row.id,
    tenant: row.tenant,
    checkId: row.check_id,
    target: row.target,
    state: row.state,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
  };
}
