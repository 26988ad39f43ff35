import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewPlan, PlanActor } from '../../src/approvals/plan.js';
import { type ApprovalPolicy, approvalRefusal } from '../../src/approvals/policy.js';
import { Store } from '../../src/store/store.js';

const ana: PlanActor = { platform: 'slack', userId: 'UANA', displayName: 'Ana' };
const ben: PlanActor = { platform: 'slack', userId: 'UBEN', displayName: 'Ben' };
const cy: PlanActor = { platform: 'teams', userId: '6f1c-cy', displayName: 'Cy' };
const policy: ApprovalPolicy = { approvers: ['slack:UBEN', 'teams:6f1c-cy', 'slack:UANA'], required: 1, expiresMinutes: 30 };

let clock = new Date('2026-12-02T10:00:00Z');
const now = () => clock;
const dirs: string[] = [];
const stores: Store[] = [];

function openStore(path = ':memory:'): Store {
  const store = Store.open(path, { now });
  stores.push(store);
  return store;
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-plans-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

function newPlan(overrides: Partial<NewPlan> = {}): NewPlan {
  return {
    tenant: 'contoso',
    checkId: 'exchange-catchall-rule',
    target: 'TransportRule "Catchall for Twenty20"',
    changes: [{ setting: 'State', before: 'Disabled', after: 'Enabled' }],
    calls: [{ service: 'exchange', cmdlet: 'Enable-TransportRule', parameters: { Identity: 'Catchall for Twenty20' } }],
    notes: [],
    basis: 'sha256:abc',
    requester: ana,
    required: 1,
    expiresAt: new Date(clock.getTime() + 30 * 60_000).toISOString(),
    ...overrides,
  };
}

const guardFor =
  (actor: PlanActor, p: ApprovalPolicy = policy) =>
  (plan: Parameters<typeof approvalRefusal>[1]) =>
    approvalRefusal(p, plan, actor);

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  clock = new Date('2026-12-02T10:00:00Z');
});

describe('fix plans in the store', () => {
  it('keeps one open plan per target: a second fix shows the open one and who asked', () => {
    const store = openStore();
    const first = store.plans.open(newPlan());
    const second = store.plans.open(newPlan({ requester: ben }));
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.plan.id).toBe(first.plan.id);
    expect(second.plan.requester.displayName).toBe('Ana');
  });

  it('refuses self-approval and non-approvers, and counts distinct approvers for N-of-M', () => {
    const store = openStore();
    const { plan } = store.plans.open(newPlan({ required: 2 }));
    const self = store.plans.approve(plan.id, ana, guardFor(ana));
    expect(self).toMatchObject({ kind: 'refused', reason: 'you asked for this fix, so another approver has to approve it' });
    const stranger: PlanActor = { platform: 'slack', userId: 'UEVE' };
    expect(store.plans.approve(plan.id, stranger, guardFor(stranger))).toMatchObject({
      kind: 'refused',
      reason: 'you are not an approver for contoso',
    });
    expect(store.plans.approve(plan.id, ben, guardFor(ben)).kind).toBe('needs-more');
    expect(store.plans.approve(plan.id, ben, guardFor(ben))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('already approved'),
    });
    const done = store.plans.approve(plan.id, cy, guardFor(cy));
    expect(done.kind).toBe('approved');
    expect(store.plans.get(plan.id)?.state).toBe('approved');
  });

  it('with no approvers configured, nobody can approve (deny by default)', () => {
    const store = openStore();
    const { plan } = store.plans.open(newPlan());
    const none: ApprovalPolicy = { approvers: [], required: 1, expiresMinutes: 30 };
    expect(store.plans.approve(plan.id, ben, guardFor(ben, none))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('approvals.approvers'),
    });
  });

  it('lets a group named in approvers approve', () => {
    const groups: ApprovalPolicy = { approvers: ['slack:S0ITOPS'], required: 1, expiresMinutes: 30 };
    expect(approvalRefusal(groups, { tenant: 'contoso', requester: ana, approvals: [] }, ben, ['S0ITOPS'])).toBeUndefined();
    expect(approvalRefusal(groups, { tenant: 'contoso', requester: ana, approvals: [] }, ben, ['S0OTHER'])).toBe(
      'you are not an approver for contoso',
    );
  });

  it('expires a plan: a click after expiry is refused as closed, and the sweep reports it once', () => {
    const store = openStore();
    const { plan } = store.plans.open(newPlan());
    clock = new Date(clock.getTime() + 31 * 60_000);
    const late = store.plans.approve(plan.id, ben, guardFor(ben));
    expect(late).toMatchObject({ kind: 'closed', plan: { state: 'expired' } });
    expect(store.plans.expireDue()).toEqual([]);
    expect(store.audit.list({ planId: plan.id }).map((e) => e.event)).toEqual(['expired', 'requested']);
  });

  it('answers an unknown plan id without touching anything', () => {
    const store = openStore();
    expect(store.plans.approve('p-forged', ben, guardFor(ben))).toEqual({ kind: 'unknown' });
  });

  it('applies once when two approvers click at once, from two processes on one store file', () => {
    const path = tempDb();
    const a = openStore(path);
    const b = openStore(path);
    const { plan } = a.plans.open(newPlan());
    const first = a.plans.approve(plan.id, ben, guardFor(ben));
    const second = b.plans.approve(plan.id, cy, guardFor(cy));
    expect([first.kind, second.kind]).toEqual(['approved', 'closed']);
    expect(a.plans.beginApply(plan.id)?.state).toBe('applying');
    expect(b.plans.beginApply(plan.id)).toBeUndefined();
  });

  it('reports a partial failure as partial, naming the call that failed', () => {
    const store = openStore();
    const calls = [1, 2, 3].map((n) => ({ service: 'erp', model: 'ir.mail_server', method: 'write', ids: [n], kwargs: {} }));
    const { plan } = store.plans.open(newPlan({ calls }));
    store.plans.approve(plan.id, ben, guardFor(ben));
    store.plans.beginApply(plan.id);
    store.plans.callStarted(plan.id, 0);
    store.plans.callFinished(plan.id, 0);
    store.plans.callStarted(plan.id, 1);
    store.plans.callFinished(plan.id, 1, 'AccessError: You are not allowed to modify Outgoing Mail Servers');
    const finished = store.plans.finish(plan.id);
    expect(finished?.state).toBe('partial');
    expect(finished?.reason).toBe('call 2 of 3 failed: AccessError: You are not allowed to modify Outgoing Mail Servers');
    const partial = store.audit.list({ planId: plan.id })[0];
    expect(partial?.event).toBe('partial');
    expect(partial?.details.results).toEqual([
      { index: 0, state: 'ok' },
      { index: 1, state: 'failed', error: 'AccessError: You are not allowed to modify Outgoing Mail Servers' },
    ]);
  });

  it('after a crash mid-apply, the reopened store shows the plan interrupted with what was applied, and never applies it again', () => {
    const path = tempDb();
    const before = openStore(path);
    const calls = [0, 1].map((n) => ({ service: 'erp', model: 'ir.mail_server', method: 'write', ids: [n], kwargs: {} }));
    const { plan } = before.plans.open(newPlan({ calls }));
    before.plans.approve(plan.id, ben, guardFor(ben));
    before.plans.beginApply(plan.id);
    before.plans.callStarted(plan.id, 0);
    before.plans.callFinished(plan.id, 0);
    before.plans.callStarted(plan.id, 1);
    // No close: the process died here.
    const after = openStore(path);
    const recovered = after.plans.recoverInterrupted();
    expect(recovered.map((p) => [p.id, p.state])).toEqual([[plan.id, 'interrupted']]);
    expect(recovered[0]?.reason).toBe('the bot stopped while applying: call(s) 1 applied; call(s) 2 in flight, outcome unknown');
    expect(after.plans.beginApply(plan.id)).toBeUndefined();
    expect(after.plans.recoverInterrupted()).toEqual([]);
  });

  it('keeps the audit log append-only, even against a direct UPDATE or DELETE', () => {
    const path = tempDb();
    const store = openStore(path);
    store.plans.open(newPlan());
    const raw = new Database(path);
    try {
      expect(() => raw.prepare("UPDATE audit SET event = 'applied'").run()).toThrow('the audit log is append-only');
      expect(() => raw.prepare('DELETE FROM audit').run()).toThrow('the audit log is append-only');
    } finally {
      raw.close();
    }
    expect(store.audit.list().map((e) => e.event)).toEqual(['requested']);
  });
});
