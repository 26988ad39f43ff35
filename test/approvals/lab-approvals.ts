import pino from 'pino';
import type { Lab } from '../../lab/index.js';
import type { PlanActor } from '../../src/approvals/plan.js';
import type { ApprovalPolicy } from '../../src/approvals/policy.js';
import { FixApprovals } from '../../src/approvals/service.js';
import type { Core } from '../../src/commands/context.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';
import type { Message } from '../../src/render/message.js';
import { Store } from '../../src/store/store.js';

export const ADA: PlanActor = { platform: 'slack', userId: 'U0LABADA01', displayName: 'ada' };
export const BOB: PlanActor = { platform: 'slack', userId: 'U0LABBOB01', displayName: 'bob' };
export const CAROL: PlanActor = { platform: 'slack', userId: 'U0LABCAR01', displayName: 'carol' };
export const MALLORY: PlanActor = { platform: 'slack', userId: 'U0LABMAL01', displayName: 'mallory' };

/** The bot's core, store and approval flow against a running lab, as `start` wires them. */
export function approvalsOnLab(
  lab: Lab,
  options: { policy?: Partial<ApprovalPolicy>; now?: () => Date; store?: Store } = {},
): { core: Core; store: Store; approvals: FixApprovals; ask: (text: string, actor?: PlanActor) => Promise<Message> } {
  const config = parseConfig(lab.config, { env: {} });
  const store = options.store ?? Store.open(':memory:', { now: options.now });
  const logger = pino({ level: 'silent' });
  const core = createCore({ config, logger, store });
  const policy: ApprovalPolicy = {
    approvers: ['slack:U0LABBOB01', 'slack:U0LABCAR01', 'slack:U0LABADA01'],
    required: 1,
    expiresMinutes: 30,
    ...options.policy,
  };
  const approvals = new FixApprovals({ core, plans: store.plans, audit: store.audit, policy, logger, now: options.now });
  core.approvals = approvals;
  core.audit = store.audit;
  const ask = (text: string, actor: PlanActor = ADA) => handleCommand(text, { core, actor, place: { channelId: 'C0LABOPS01' } });
  return { core, store, approvals, ask };
}

/** The plan id a card's buttons carry. */
export function planIdOf(message: Message): string {
  const block = message.blocks.find((b) => b.type === 'plan-actions');
  if (block?.type !== 'plan-actions') throw new Error(`no plan buttons on: ${message.summary}`);
  return block.planId;
}

/** The audit events of one plan, oldest first. */
export function eventsOf(store: Store, planId: string): string[] {
  return store.audit
    .list({ planId, limit: 100 })
    .map((e) => e.event)
    .reverse();
}

/** How many times the lab's Exchange or ERP received a call whose key contains `key`. */
export function callsTo(lab: Lab, key: string): number {
  return lab.requests.filter((r) => r.key.includes(key)).length;
}
