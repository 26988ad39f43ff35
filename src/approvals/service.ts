import type { Logger } from 'pino';
import { findPlanner } from '../checks/fixes.js';
import { findCheck } from '../checks/registry.js';
import type { Core } from '../commands/context.js';
import { planFix } from '../commands/fix.js';
import { redact } from '../config/secret.js';
import { type FixCall, type FixOptions, isRefused, type JsonValue } from '../engine/fix.js';
import { applyCall, fetchSnapshot } from '../engine/fix-snapshot.js';
import { runChecks } from '../engine/run.js';
import { toMailsetupError } from '../errors.js';
import type { Message } from '../render/message.js';
import type { AuditLog } from '../store/audit.js';
import type { PlanStore } from '../store/plans.js';
import { planCard, type Verification, who } from './card.js';
import type { ApproverGroups } from './groups.js';
import type { CardRef, PlanActor, PlanRecord, PlanState } from './plan.js';
import { type ApprovalPolicy, approvalRefusal, requestRefusal } from './policy.js';

/** How a chat platform rewrites a posted plan card and answers in its thread. */
export interface CardPublisher {
  update(card: CardRef, message: Message): Promise<void>;
  followUp(card: CardRef, message: Message): Promise<void>;
}

/** What a click did, for the front end: a refusal only the clicker sees, the card as it is now, the work after. */
export interface ClickOutcome {
  /** Shown only to the clicker (non-approver, self-approval, unknown plan, already closed). */
  refusal?: string;
  /** The card as it stands after the decision (undefined for an unknown plan id). */
  card?: Message;
  /** Apply and re-check, when this click was the final approval; resolves when the card is final. */
  done: Promise<void>;
  /** The plan's state after the click. */
  state?: PlanState;
}

export interface FixApprovalsOptions {
  core: Core;
  plans: PlanStore;
  audit: AuditLog;
  policy: ApprovalPolicy;
  logger: Logger;
  /** The groups the policy names, per platform, with their members cached briefly (Slack user groups). */
  groups?: readonly ApproverGroups[];
  /** How often the expiry sweep runs (default one minute). */
  sweepIntervalMs?: number;
  now?: () => Date;
}

/**
 * The approval-gated fix flow (DESIGN §4), in one place: `fix` opens a plan and returns its card; a
 * click is decided in one store transaction; the final approval re-reads the target, refuses a
 * stale plan, applies the calls in order (each recorded before and after), re-runs the check and its
 * dependents, and rewrites the card at every step. Front ends only translate clicks into `decide`.
 */
export class FixApprovals {
  readonly policy: ApprovalPolicy;
  readonly #core: Core;
  readonly #plans: PlanStore;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #publishers = new Map<CardRef['platform'], CardPublisher>();
  /** Per plan: card updates go out in order, never overlapping. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #sweepMs: number;
  readonly #groups: readonly ApproverGroups[];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: FixApprovalsOptions) {
    this.#core = options.core;
    this.#plans = options.plans;
    this.#audit = options.audit;
    this.policy = options.policy;
    this.#logger = options.logger.child({ component: 'approvals' });
    this.#now = options.now ?? (() => new Date());
    this.#sweepMs = options.sweepIntervalMs ?? 60_000;
    this.#groups = options.groups ?? [];
  }

  /** A chat front end that can rewrite its cards (Slack: chat.update; Teams: updateActivity). */
  setPublisher(platform: CardRef['platform'], publisher: CardPublisher): void {
    this.#publishers.set(platform, publisher);
  }

  /** At start: plans cut off by a stop become `interrupted` (never applied again), then the expiry sweep, every minute. */
  async start(): Promise<void> {
    await Promise.all(this.#groups.map((g) => g.refresh(true)));
    for (const plan of this.#plans.recoverInterrupted()) {
      this.#logger.warn({ planId: plan.id, checkId: plan.checkId, tenant: plan.tenant }, 'A fix plan was interrupted by a stop');
      this.#publish(plan);
    }
    await this.sweep();
    this.#timer = setInterval(() => void this.sweep(), this.#sweepMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#chains.values()]);
  }

  /** Expired plans become `expired` and their cards say so. */
  async sweep(): Promise<void> {
    for (const groups of this.#groups) void groups.refresh();
    try {
      for (const plan of this.#plans.expireDue()) this.#publish(plan);
    } catch (error) {
      this.#logger.warn({ err: redact(String(error)) }, 'The expiry sweep failed');
    }
  }

  /** `fix <check> [tenant]`: the plan's card, the open plan of the same target, or why there is nothing to fix. */
  async request(
    checkId: string,
    tenantName: string | undefined,
    actor: PlanActor,
    options: FixOptions & { signal?: AbortSignal } = {},
  ): Promise<Message> {
    const refused = requestRefusal(this.policy, actor, this.groupsOf(actor).groups);
    if (refused) return { summary: `You may not ask for this fix: ${refused}.`, tone: 'error', blocks: [], ephemeral: true };
    const dry = await planFix(this.#core, checkId, tenantName, { ...options, expiresMinutes: this.policy.expiresMinutes });
    if (!dry.plan) return { summary: dry.reason, tone: 'info', blocks: [] };
    const { plan } = dry;
    const opened = this.#plans.open({
      tenant: plan.tenant,
      checkId: plan.checkId,
      target: plan.target,
      changes: plan.changes,
      calls: plan.calls as unknown as JsonValue[],
      notes: plan.notes,
      basis: plan.basis,
      requester: actor,
      required: this.policy.required,
      problem: dry.problem,
      ...(options.removeExtra ? { removeExtra: true } : {}),
      expiresAt: plan.expiresAt,
    });
    if (!opened.created) {
      const open = opened.plan;
      const card = planCard(open, this.policy);
      return {
        summary: `${open.target} already has an open fix plan (${open.state}), asked by ${who(open.requester)} at ${open.createdAt}; decide on that one first.`,
        tone: 'info',
        // The open plan's card stays the one with the buttons.
        blocks: card.blocks.filter((b) => b.type !== 'plan-actions'),
      };
    }
    return planCard(opened.plan, this.policy);
  }

  /** Where the card of a plan was posted, so every later step rewrites it. */
  cardPosted(planId: string, card: CardRef): void {
    this.#plans.setCard(planId, card);
  }

  /** The card of a plan as it stands (Teams refresh), or undefined for an unknown id. */
  card(planId: string): Message | undefined {
    const plan = this.#plans.get(planId);
    return plan ? planCard(plan, this.policy, this.#verification(plan)) : undefined;
  }

  /**
   * One click. `actor` is who the platform's verified payload says clicked. The card is rewritten
   * through the publisher unless the front end answers with it itself (`answersWithCard`, Teams).
   */
  decide(planId: string, verdict: 'approve' | 'reject', actor: PlanActor, options: { answersWithCard?: boolean } = {}): ClickOutcome {
    const { groups, unreadable } = this.groupsOf(actor);
    const guard = (plan: PlanRecord) => {
      const refusal = approvalRefusal(this.policy, plan, actor, groups);
      // Someone left out because a group could not be read is told why, not just "not an approver".
      if (refusal?.startsWith('you are not an approver') && unreadable.length > 0)
        return `${refusal}: the bot could not read who is in ${unreadableGroups(unreadable)}`;
      return refusal;
    };
    const decision = verdict === 'approve' ? this.#plans.approve(planId, actor, guard) : this.#plans.reject(planId, actor, guard);
    if (decision.kind === 'unknown') {
      return {
        refusal:
          'There is no such fix plan: the button may come from another bot, or the plan was removed. Ask again with `fix <check-id>`.',
        done: Promise.resolve(),
      };
    }
    const { plan } = decision;
    const card = planCard(plan, this.policy, this.#verification(plan));
    const state = plan.state;
    if (decision.kind === 'refused') {
      this.#audit.append({
        event: 'refused',
        tenant: plan.tenant,
        checkId: plan.checkId,
        planId,
        actor,
        details: { verdict, reason: decision.reason },
      });
      return { refusal: sentence(decision.reason), card, state, done: Promise.resolve() };
    }
    if (decision.kind === 'closed') {
      // An expired plan is rewritten as expired at this click.
      if (plan.state === 'expired' && !options.answersWithCard) this.#publish(plan);
      return { refusal: `This plan is ${plan.state}; nothing was changed by this click.`, card, state, done: Promise.resolve() };
    }
    if (!options.answersWithCard) this.#publish(plan);
    if (decision.kind !== 'approved') return { card, state, done: Promise.resolve() };
    const done = this.#enqueue(plan.id, () => this.#apply(plan));
    return { card, state, done };
  }

  /** The policy's groups this person is in (from the brief cache), and those that could not be read. */
  groupsOf(actor: PlanActor): ReturnType<ApproverGroups['groupsOf']> {
    const found = this.#groups.filter((g) => g.platform === actor.platform).map((g) => g.groupsOf(actor.userId));
    return { groups: found.flatMap((f) => f.groups), unreadable: found.flatMap((f) => f.unreadable) };
  }

  /** Re-plan, compare `basis`, apply in order, finish, re-check: the card follows every step. */
  async #apply(approved: PlanRecord): Promise<void> {
    const tenant = this.#core.tenant(approved.tenant);
    const adapters = this.#core.adapters(tenant);
    const { services, timeouts } = this.#core.config;
    const planner = findPlanner(approved.checkId);
    const check = findCheck(approved.checkId, this.#core.catalogue);
    if (!planner || !check) {
      this.#plans.markStale(approved.id, `the bot no longer has a planner for ${approved.checkId}`);
      return this.#settle(approved.id);
    }
    let changed: string | undefined;
    try {
      const now = this.#now();
      const snapshot = await fetchSnapshot(planner.sources, { adapters, tenant, services, timeouts, now });
      const fresh = planner.plan(snapshot, { tenant, services, now }, { removeExtra: approved.removeExtra });
      if (isRefused(fresh)) changed = `the target changed since the plan: ${fresh.refused}`;
      else if (fresh.basis !== approved.basis) changed = whatChanged(approved, fresh.changes);
    } catch (error) {
      changed = `the bot could not re-read the target before applying: ${redact(toMailsetupError(error).userMessage)}`;
    }
    if (changed) {
      this.#plans.markStale(approved.id, changed);
      return this.#settle(approved.id);
    }
    const applying = this.#plans.beginApply(approved.id);
    if (!applying) return this.#settle(approved.id);
    this.#publish(applying);
    for (const [index, call] of applying.calls.entries()) {
      this.#plans.callStarted(applying.id, index);
      let failure: string | undefined;
      try {
        await applyCall(call as unknown as FixCall, adapters);
      } catch (error) {
        failure = redact(toMailsetupError(error).userMessage);
      }
      this.#plans.callFinished(applying.id, index, failure);
      const now = this.#plans.get(applying.id);
      if (now) this.#publish(now);
      if (failure) break;
    }
    const finished = this.#plans.finish(applying.id);
    if (!finished) return;
    this.#publish(finished);
    await this.#verify(finished);
  }

  async #settle(planId: string): Promise<void> {
    const plan = this.#plans.get(planId);
    if (plan) this.#publish(plan);
  }

  /** Re-runs the check and the checks that depend on it; the verdict goes to the audit and the card's thread. */
  async #verify(plan: PlanRecord): Promise<void> {
    const tenant = this.#core.tenant(plan.tenant);
    const dependents = this.#core.catalogue.filter((c) => c.meta.dependsOn.includes(plan.checkId) && c.meta.id !== 'mailflow-e2e');
    const check = findCheck(plan.checkId, this.#core.catalogue);
    if (!check) return;
    let verification: Verification;
    let lines: string[] = [];
    try {
      const report = await runChecks({
        checks: [check, ...dependents],
        catalogue: this.#core.catalogue,
        adapters: this.#core.adapters(tenant),
        tenant,
        services: this.#core.config.services,
        timeouts: this.#core.config.timeouts,
      });
      const own = report.checks.find((c) => c.id === plan.checkId);
      verification = { status: own?.status ?? 'error', detail: own?.detail ?? 'the check did not run' };
      lines = report.checks.map((c) => `${c.id}: ${c.status} — ${c.detail}`);
    } catch (error) {
      verification = { status: 'error', detail: redact(toMailsetupError(error).userMessage) };
    }
    this.#plans.recordVerification(plan.id, verification);
    this.#publish(plan, verification);
    const card = plan.card;
    const publisher = card && this.#publishers.get(card.platform);
    if (card && publisher) {
      const followUp: Message = {
        summary: `Re-check after the fix: ${plan.checkId} ${verification.status}`,
        tone: verification.status === 'pass' ? 'ok' : 'warn',
        blocks: lines.length ? [{ type: 'code', text: lines.join('\n') }] : [{ type: 'text', text: verification.detail }],
      };
      this.#enqueueSend(plan.id, () => publisher.followUp(card, followUp));
    }
  }

  #verification(plan: PlanRecord): Verification | undefined {
    if (plan.state !== 'applied') return undefined;
    const entry = this.#audit.list({ planId: plan.id, limit: 20 }).find((e) => e.event === 'verified');
    return entry ? (entry.details as unknown as Verification) : undefined;
  }

  /** Rewrites the plan's card (if it has one and its platform is here), in order after earlier rewrites. */
  #publish(plan: PlanRecord, verification?: Verification): void {
    const card = plan.card;
    const publisher = card && this.#publishers.get(card.platform);
    if (!card || !publisher) return;
    const message = planCard(plan, this.policy, verification ?? this.#verification(plan));
    this.#enqueueSend(plan.id, () => publisher.update(card, message));
  }

  #enqueueSend(planId: string, send: () => Promise<void>): void {
    void this.#enqueue(planId, () =>
      send().catch((error: unknown) => this.#logger.warn({ planId, err: redact(String(error)) }, 'A plan card could not be updated')),
    );
  }

  #enqueue(planId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(planId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.#logger.error({ planId, err: redact(String(error)) }, 'A fix plan step failed');
    });
    this.#chains.set(planId, next);
    void next.finally(() => {
      if (this.#chains.get(planId) === next) this.#chains.delete(planId);
    });
    return next;
  }
}

/** The before values that differ between the plan and the target now. */
function whatChanged(plan: PlanRecord, fresh: readonly { setting: string; before: JsonValue }[]): string {
  const was = new Map(plan.changes.map((c) => [c.setting, JSON.stringify(c.before)]));
  const now = new Map(fresh.map((c) => [c.setting, JSON.stringify(c.before)]));
  const diffs: string[] = [];
  for (const [setting, before] of was) {
    const current = now.get(setting);
    if (current === undefined) diffs.push(`${setting} no longer needs this change`);
    else if (current !== before) diffs.push(`${setting} was ${before} when planned, now ${current}`);
  }
  for (const [setting, current] of now) if (!was.has(setting)) diffs.push(`${setting} now also needs a change (${current})`);
  return `the target changed since the plan: ${diffs.length ? diffs.join('; ') : 'the observed state it rests on is different'}`;
}

/** "@a and S1: why", one clause per distinct reason. */
function unreadableGroups(unreadable: readonly { group: string; error: string }[]): string {
  const byError = new Map<string, string[]>();
  for (const u of unreadable) byError.set(u.error, [...(byError.get(u.error) ?? []), u.group]);
  return [...byError].map(([error, groups]) => `${groups.join(' and ')} (${error})`).join('; ');
}

function sentence(reason: string): string {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return text.endsWith('.') ? text : `${text}.`;
}
