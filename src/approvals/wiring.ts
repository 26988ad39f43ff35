import type { Logger } from 'pino';
import type { Core } from '../commands/context.js';
import type { Store } from '../store/store.js';
import { ApproverGroups, slackGroupsIn } from './groups.js';
import { FixApprovals } from './service.js';
import { SlackUserGroups } from './slack-user-groups.js';

/**
 * Builds the fix flow on the bot's store and hands it to the command layer (`fix`, `history`,
 * refused commands in the audit). Call `start()` once the front ends have registered their cards.
 */
export function createApprovals(core: Core, store: Store, logger: Logger): FixApprovals {
  const { approvers, required, expiresMinutes, requesters } = core.config.approvals;
  // The alert responders' groups too: one cache of Slack user groups serves both lists.
  const slackGroups = slackGroupsIn([...approvers, ...(requesters ?? []), ...(core.config.alerts.responders ?? [])]);
  const slack = core.config.slack;
  const groups =
    slack && slackGroups.length > 0
      ? [
          new ApproverGroups({
            platform: 'slack',
            directory: new SlackUserGroups(slack.botToken.reveal(), core.config.services.slackApiUrl),
            groups: slackGroups,
          }),
        ]
      : [];
  const approvals = new FixApprovals({
    groups,
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
