import type { JsonValue } from '../engine/fix.js';

/**
 * A fix plan's record and its states (DESIGN §4, issue "Approval-gated fixes"). The transitions
 * themselves live in the store (src/store/plans.ts), each one a single transaction.
 *
 *   pending ──approve×N──▶ approved ──▶ applying ──▶ applied | failed | partial
 *      │                      │            └─(restart)─▶ interrupted
 *      ├──reject──▶ rejected  ├──basis changed──▶ stale
 *      └──expiry──▶ expired   └──(restart)──▶ interrupted
 */
export type PlanState =
  | 'pending'
  | 'approved'
  | 'applying'
  | 'applied'
  | 'failed'
  | 'partial'
  | 'rejected'
  | 'expired'
  | 'stale'
  | 'interrupted';

/** States in which a plan holds its target: a second `fix` for the target shows this one. */
export const OPEN_STATES: readonly PlanState[] = ['pending', 'approved', 'applying'];

/** The person behind a request or a click, as the verified platform payload names them. */
export interface PlanActor {
  platform: 'slack' | 'teams' | 'console' | 'cli';
  userId: string;
  displayName?: string;
}

export interface PlanApproval {
  actor: PlanActor;
  at: string;
}

/** What is known of one call after apply began: never guessed. */
export interface CallRecord {
  index: number;
  /** `started` and nothing after it: the bot stopped while the call was in flight (outcome unknown). */
  state: 'started' | 'ok' | 'failed';
  error?: string;
}

/** Where the plan's card was posted, so a decision or the expiry sweep can rewrite it in place. */
export interface CardRef {
  platform: 'slack' | 'teams';
  /** Slack channel id + message ts; Teams conversation id + activity id. */
  conversationId: string;
  messageId: string;
}

export interface PlanRecord {
  id: string;
  tenant: string;
  checkId: string;
  target: string;
  state: PlanState;
  /** The planner's output as shown on the card: changes, calls, notes. */
  changes: { setting: string; before: JsonValue; after: JsonValue }[];
  calls: JsonValue[];
  notes: string[];
  basis: string;
  requester: PlanActor;
  approvals: PlanApproval[];
  required: number;
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  callLog: CallRecord[];
  /** The last transition's reason (who rejected, what changed, which call failed). */
  reason?: string;
  card?: CardRef;
  /** What is wrong, one line (the check's verdict when the plan was made). */
  problem?: string;
  /** Planned with `--remove-extra` (re-planned the same way before apply). */
  removeExtra?: boolean;
}

export type NewPlan = Pick<
  PlanRecord,
  'tenant' | 'checkId' | 'target' | 'changes' | 'calls' | 'notes' | 'basis' | 'requester' | 'required' | 'problem' | 'removeExtra'
> & {
  expiresAt: string;
};
