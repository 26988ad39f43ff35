import { type FixCall, type JsonValue, renderCall } from '../engine/fix.js';
import type { Message, MessageBlock } from '../render/message.js';
import type { PlanActor, PlanRecord } from './plan.js';
import type { ApprovalPolicy } from './policy.js';

/** The re-check after apply, as the card shows it. */
export interface Verification {
  status: string;
  detail: string;
}

/**
 * A fix plan as its card: what is wrong, the diff, the exact calls (with what happened to each once
 * apply began), who asked, when it expires, the approvals so far, and — while it waits — the
 * Approve / Reject buttons. Rendered from the record alone, so any process can rewrite the card.
 */
export function planCard(plan: PlanRecord, policy: ApprovalPolicy, verification?: Verification): Message {
  const blocks: MessageBlock[] = [];
  if (plan.problem) blocks.push({ type: 'text', text: `*What is wrong:* ${plan.problem}` });
  blocks.push({
    type: 'table',
    title: `Changes to ${plan.target}`,
    columns: ['Setting', 'Before', 'After'],
    rows: plan.changes.map((c) => [c.setting, shown(c.before), shown(c.after)]),
  });
  blocks.push({ type: 'heading', text: 'Calls, in order' });
  blocks.push({ type: 'code', text: plan.calls.map((call, index) => callLine(plan, index, call)).join('\n') });
  for (const note of plan.notes) blocks.push({ type: 'text', text: `Note: ${note}` });
  blocks.push({
    type: 'fields',
    fields: [
      { label: 'Asked by', value: who(plan.requester) },
      { label: 'Approvals', value: approvalsLine(plan) },
      {
        label: plan.state === 'pending' ? 'Expires' : 'Expired or closed',
        value: plan.state === 'pending' ? plan.expiresAt : plan.updatedAt,
      },
      { label: 'Plan', value: plan.id },
    ],
  });
  if (plan.reason) blocks.push({ type: 'text', text: `*Why:* ${plan.reason}` });
  if (plan.state === 'pending') {
    if (policy.approvers.length === 0) {
      blocks.push({ type: 'text', text: 'No one can approve this plan until `approvals.approvers` is set in the config.' });
    }
    const teamsApprovers = policy.approvers.filter((a) => a.startsWith('teams:')).map((a) => a.slice('teams:'.length));
    blocks.push({ type: 'plan-actions', planId: plan.id, actions: ['approve', 'reject'], refreshUserIds: teamsApprovers });
  }
  if (plan.state === 'stale')
    blocks.push({ type: 'text', text: `Ask again for a fresh plan: \`mailsetup fix ${plan.checkId} ${plan.tenant}\`.` });
  return { summary: summaryOf(plan, verification), tone: toneOf(plan, verification), blocks };
}

function summaryOf(plan: PlanRecord, verification: Verification | undefined): string {
  const head = `Fix ${plan.checkId} on ${plan.tenant}`;
  const count = `${plan.approvals.length}/${plan.required}`;
  switch (plan.state) {
    case 'pending':
      return plan.approvals.length > 0
        ? `${head}: approved ${count}, waiting for another approver`
        : `${head}: waiting for approval (${count})`;
    case 'approved':
      return `${head}: approved ${count} · applying`;
    case 'applying': {
      const done = plan.callLog.filter((c) => c.state === 'ok').length;
      return `${head}: approved ${count} · applying (${done} of ${plan.calls.length} calls done)`;
    }
    case 'applied':
      if (!verification) return `${head}: applied · verifying`;
      return verification.status === 'pass'
        ? `${head}: applied · verified`
        : `${head}: applied, but the re-check says ${verification.status}: ${verification.detail}`;
    case 'partial':
      return `${head}: partial — some calls were applied, not all (see below)`;
    case 'failed':
      return `${head}: failed, nothing was applied`;
    case 'rejected':
      return `${head}: rejected`;
    case 'expired':
      return `${head}: expired, nothing was applied`;
    case 'stale':
      return `${head}: stale — the target changed since the plan, nothing was applied`;
    case 'interrupted':
      return `${head}: interrupted — the bot stopped before apply finished`;
  }
}

function toneOf(plan: PlanRecord, verification: Verification | undefined): Message['tone'] {
  if (plan.state === 'applied') return verification && verification.status !== 'pass' ? 'warn' : 'ok';
  if (plan.state === 'failed' || plan.state === 'partial' || plan.state === 'interrupted') return 'bad';
  if (plan.state === 'stale' || plan.state === 'expired' || plan.state === 'rejected') return 'warn';
  return 'info';
}

/** A call as typed, marked with what is known of it once apply began. */
function callLine(plan: PlanRecord, index: number, call: JsonValue): string {
  const text = `${index + 1}. ${renderCall(call as unknown as FixCall)}`;
  const record = plan.callLog.find((c) => c.index === index);
  if (record?.state === 'ok') return `[applied] ${text}`;
  if (record?.state === 'failed') return `[failed] ${text}\n   ${record.error ?? ''}`;
  if (record?.state === 'started') return `[in flight, outcome unknown] ${text}`;
  if (['applying', 'partial', 'failed', 'interrupted'].includes(plan.state)) return `[not applied] ${text}`;
  return text;
}

function approvalsLine(plan: PlanRecord): string {
  const names = plan.approvals.map((a) => who(a.actor));
  return `${plan.approvals.length} of ${plan.required}${names.length ? ` (${names.join(', ')})` : ''}`;
}

export function who(actor: PlanActor): string {
  return actor.displayName ? `${actor.displayName} (${actor.platform}:${actor.userId})` : `${actor.platform}:${actor.userId}`;
}

function shown(value: JsonValue): string {
  if (value === null) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The plan id of a reply that carries plan buttons (a front end records where it posted the card). */
export function planIdOf(message: Message): string | undefined {
  const block = message.blocks.find((b) => b.type === 'plan-actions');
  return block?.type === 'plan-actions' ? block.planId : undefined;
}
