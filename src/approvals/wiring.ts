import type { Logger } from 'pino';
import type { Core } from '../commands/context.js';
import { configuredCa } from '../core.js';
import type { Store } from '../store/store.js';
import { entraGroupDirectory } from './entra-groups.js';
import { ApproverGroups, peopleLists, slackGroupsIn, teamsEntriesIn } from './groups.js';
import { FixApprovals } from './service.js';
import { SlackUserGroups } from './slack-user-groups.js';

/**
 * Builds the fix flow on the bot's store and hands it to the command layer (`fix`, `history`,
 * refused commands in the audit). Call `start()` once the front ends have registered their cards.
 */
export function createApprovals(core: Core, store: Store, logger: Logger): FixApprovals {
  const { approvers, required, expiresMinutes, requesters } = core.config.approvals;
  // The alert responders' groups too: one cache of groups serves every list.
  const people = peopleLists(core.config).flatMap(([, entries]) => entries);
  const slackGroups = slackGroupsIn(people);
  const slack = core.config.slack;
  const groups: ApproverGroups[] = [];
  if (slack && slackGroups.length > 0) {
    groups.push(
      new ApproverGroups({
        platform: 'slack',
        directory: new SlackUserGroups(slack.botToken.reveal(), core.config.services.slackApiUrl),
        groups: slackGroups,
      }),
    );
  }
  // Any `teams:` entry may be an Entra group; those that are not come back with no members.
  const teamsEntries = teamsEntriesIn(people);
  const entra = teamsEntries.length > 0 ? entraGroupDirectory(core.config, logger, configuredCa(core.config)) : undefined;
  if (entra) groups.push(new ApproverGroups({ platform: 'teams', directory: entra, groups: teamsEntries }));
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
