import { exchangeDynamicGroup, exchangeDynamicGroupMembers } from '../../adapters/exchange/sources.js';
import { graphSubscribedSkus, graphUsers } from '../../adapters/graph/sources.js';
import { basisOf, definePlanner, exchangeCall, type FixCall, type FixChange, refuse } from '../../engine/fix.js';
import { isMember, usersWithMailbox } from './exchange-dynamic-group.js';
import { sameText } from './shared/connectors.js';

const INCLUDED = 'MailboxUsers, MailGroups';

/** Creates the dynamic group, or sets its included recipients / hides it, or refreshes its stored membership now. */
export const exchangeDynamicGroupPlanner = definePlanner({
  checkId: 'exchange-dynamic-group',
  sources: [exchangeDynamicGroup, exchangeDynamicGroupMembers, graphUsers, graphSubscribedSkus],
  plan(snapshot, ctx) {
    const name = ctx.tenant.dynamicGroup;
    const group = snapshot.get(exchangeDynamicGroup);
    if (!group) {
      return {
        target: `DynamicDistributionGroup "${name}"`,
        changes: [
          { setting: 'DynamicDistributionGroup', before: null, after: name },
          { setting: 'IncludedRecipients', before: null, after: INCLUDED },
          { setting: 'HiddenFromAddressListsEnabled', before: null, after: true },
        ],
        calls: [
          exchangeCall('New-DynamicDistributionGroup', { Name: name, IncludedRecipients: INCLUDED }),
          // New-DynamicDistributionGroup has no parameter for hiding it.
          exchangeCall('Set-DynamicDistributionGroup', { Identity: name, HiddenFromAddressListsEnabled: true }),
        ],
        basis: basisOf({ group: null }),
        notes: ['Exchange fills in the membership of a new group within about 2 hours.'],
      };
    }
    const included = (group.IncludedRecipients ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => s.toLowerCase());
    const includesAll = included.includes('allrecipients') || (included.includes('mailboxusers') && included.includes('mailgroups'));
    const members = snapshot.get(exchangeDynamicGroupMembers) ?? [];
    const missing = usersWithMailbox(snapshot.get(graphUsers), snapshot.get(graphSubscribedSkus)).filter(
      (u) => !isMember(u, members) && !sameText(u.userPrincipalName, ctx.tenant.catchallMailbox),
    );
    const changes: FixChange[] = [];
    const parameters: Record<string, string | boolean> = { Identity: group.Identity };
    if (!includesAll) {
      changes.push({ setting: 'IncludedRecipients', before: group.IncludedRecipients, after: INCLUDED });
      parameters.IncludedRecipients = INCLUDED;
    }
    if (!group.HiddenFromAddressListsEnabled) {
      changes.push({ setting: 'HiddenFromAddressListsEnabled', before: false, after: true });
      parameters.HiddenFromAddressListsEnabled = true;
    }
    if (missing.length > 0 || !includesAll) {
      changes.push({
        setting: 'stored membership',
        before: `${members.length} members${missing.length > 0 ? `, without ${missing.map((u) => u.userPrincipalName).join(', ')}` : ''}`,
        after: 'refreshed now',
      });
      parameters.ForceMembershipRefresh = true;
    }
    if (changes.length === 0) return refuse(`"${group.Name}" already includes every mailbox user and is hidden; nothing to change.`);
    const calls: FixCall[] = [exchangeCall('Set-DynamicDistributionGroup', parameters)];
    return {
      target: `DynamicDistributionGroup "${group.Name}"`,
      changes,
      calls,
      basis: basisOf({
        group: { Identity: group.Identity, IncludedRecipients: group.IncludedRecipients, Hidden: group.HiddenFromAddressListsEnabled },
        missing: missing.map((u) => u.id),
      }),
    };
  },
});
