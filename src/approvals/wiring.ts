import type { Logger } from 'pino';
import type { Core } from '../commands/context.js';
import type { Store } from '../store/store.js';
import { FixApprovals } from './service.js';

/**
 * Builds the fix flow on the bot's store and hands it to the command layer (`fix`, `history`,
 * refused commands in the audit). Call `start()` once the front ends have registered their cards.
 */
export function createApprovals(core: Core, store: Store, logger: Logger): FixApprovals {
  const { approvers, required, expiresMinutes, requesters } = core.config.approvals;
  const approvals = new FixApprovals({
    core,
    plans: store.plans,
    audit: store.audit,
    policy: { approvers, required, expiresMinutes, ...(requesters ? { requesters } : {}) },
    logger,
  });
  core.approvals = approvals;
  core.audit = store.audit;
  return approvals;
}
