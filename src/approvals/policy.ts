import type { PlanActor, PlanRecord } from './plan.js';

/** `approvals` of the config: who may ask for a fix, who may approve one, how many, how long. */
export interface ApprovalPolicy {
  /** `slack:U…`, Slack user groups `slack:S…` / `slack:@handle`, `teams:<Entra user or group object id>`. */
  approvers: readonly string[];
  /** Distinct approvers needed (never counting the requester). */
  required: number;
  expiresMinutes: number;
  /** Who may ask; absent means anyone who may run commands. */
  requesters?: readonly string[];
}

export const DEFAULT_POLICY: ApprovalPolicy = { approvers: [], required: 1, expiresMinutes: 30 };

/** The ids a policy entry may name for this person: themselves and the groups the platform says they are in. */
function idsOf(actor: PlanActor, groups: readonly string[]): string[] {
  return [`${actor.platform}:${actor.userId}`, ...groups.map((g) => `${actor.platform}:${g}`)];
}

function listed(list: readonly string[], actor: PlanActor, groups: readonly string[]): boolean {
  const ids = idsOf(actor, groups);
  return list.some((entry) => ids.includes(entry));
}

/** Why this person may not ask for a fix, or undefined when they may. Deny by default only when a list is set. */
export function requestRefusal(policy: ApprovalPolicy, actor: PlanActor, groups: readonly string[] = []): string | undefined {
  if (!policy.requesters || listed(policy.requesters, actor, groups)) return undefined;
  return 'you may not ask for fixes here: approvals.requesters does not list you';
}

/**
 * Why this click may not count as an approval (or a rejection), or undefined when it may. Deny by
 * default: with no approvers configured nobody can approve. The requester never approves their own
 * plan, and one person counts once.
 */
export function approvalRefusal(
  policy: ApprovalPolicy,
  plan: Pick<PlanRecord, 'tenant' | 'requester' | 'approvals'>,
  actor: PlanActor,
  groups: readonly string[] = [],
): string | undefined {
  if (policy.approvers.length === 0) return `no one can approve fixes until approvals.approvers is set in the config`;
  if (!listed(policy.approvers, actor, groups)) return `you are not an approver for ${plan.tenant}`;
  if (sameActor(plan.requester, actor)) return 'you asked for this fix, so another approver has to approve it';
  if (plan.approvals.some((a) => sameActor(a.actor, actor))) return 'you have already approved this plan; it needs another approver';
  return undefined;
}

/**
 * Why this person may not acknowledge or snooze an alert, or undefined when they may: anyone who
 * may run commands about the tenant unless `alerts.responders` is set. The CLI and the console run
 * on the bot's host, where the store itself can be changed: they are never refused.
 */
export function responderRefusal(
  responders: readonly string[] | undefined,
  actor: PlanActor,
  groups: readonly string[] = [],
): string | undefined {
  if (!responders || actor.platform === 'cli' || actor.platform === 'console' || listed(responders, actor, groups)) return undefined;
  return 'alerts.responders in the config does not list you, so you may not acknowledge or snooze alerts';
}

export function sameActor(a: PlanActor, b: PlanActor): boolean {
  return a.platform === b.platform && a.userId === b.userId;
}
