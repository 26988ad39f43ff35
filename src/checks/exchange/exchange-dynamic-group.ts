import { exchangeDynamicGroup, exchangeDynamicGroupMembers } from '../../adapters/exchange/sources.js';
import type { Recipient } from '../../adapters/exchange/types.js';
import { graphSubscribedSkus, graphUsers } from '../../adapters/graph/sources.js';
import { type GraphUser, isExchangePlan, type SubscribedSku } from '../../adapters/graph/types.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { sameText } from './shared/connectors.js';
import { psQuote } from './shared/powershell.js';

const DAY_MS = 24 * 3600_000;
const EXPECTED = {
  IncludedRecipients: 'MailboxUsers, MailGroups',
  HiddenFromAddressListsEnabled: true,
  members: 'every user with a mailbox',
};

/**
 * Step 3: the dynamic distribution group that the catch-all rule excepts. Its members must be
 * every user with a mailbox (and mail-enabled groups); Exchange refreshes the stored membership
 * only every 24 h, so new users are caught by the catch-all until then (a warning).
 */
export const exchangeDynamicGroupCheck = defineCheck({
  meta: {
    id: 'exchange-dynamic-group',
    title: 'Dynamic group of all mailbox users',
    area: 'exchange',
    severity: 'high',
    dependsOn: [],
    sources: [exchangeDynamicGroup, exchangeDynamicGroupMembers, graphUsers, graphSubscribedSkus],
    fixable: true,
    watched: false,
  },
  explainFile: new URL('./exchange-dynamic-group.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const name = ctx.tenant.dynamicGroup;
    const q = psQuote(name);
    const group = snapshot.get(exchangeDynamicGroup);
    if (!group) {
      return {
        status: 'fail',
        detail: `There is no dynamic distribution group "${name}" (Get-DynamicDistributionGroup: not found); expected one whose members are all mailbox users, which the catch-all rule excepts. Without it, the rule's exception is empty and mail to real users can be redirected to the catch-all.`,
        observed: { group: null },
        expected: EXPECTED,
        resource: { kind: 'DynamicDistributionGroup', name },
        remediation: {
          manual: `Exchange admin center → Recipients → Groups → Add a group → Dynamic distribution list, name "${name}", members: Users with Exchange mailboxes and Mail-enabled groups; then in its settings hide it from the global address list. Membership fills in within about 2 hours.`,
          command: `New-DynamicDistributionGroup -Name ${q} -IncludedRecipients 'MailboxUsers,MailGroups'; Set-DynamicDistributionGroup -Identity ${q} -HiddenFromAddressListsEnabled $true`,
        },
      };
    }
    const resource = { kind: 'DynamicDistributionGroup', id: group.Identity, name: group.Name };
    const included = (group.IncludedRecipients ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => s.toLowerCase());
    const includesAll = included.includes('allrecipients') || (included.includes('mailboxusers') && included.includes('mailgroups'));
    const members = snapshot.get(exchangeDynamicGroupMembers) ?? [];
    const refreshedAt = group.CalculatedMembershipUpdateTime ? Date.parse(group.CalculatedMembershipUpdateTime) : Number.NaN;
    const mailboxUsers = usersWithMailbox(snapshot.get(graphUsers), snapshot.get(graphSubscribedSkus));
    const missing = mailboxUsers.filter((u) => !isMember(u, members) && !sameText(u.userPrincipalName, ctx.tenant.catchallMailbox));
    const now = ctx.now.getTime();
    const isRecent = (u: GraphUser) => {
      const since = mailboxSince(u);
      return since === undefined || now - since < DAY_MS || (!Number.isNaN(refreshedAt) && since > refreshedAt);
    };
    const observed = {
      group: group.Name,
      IncludedRecipients: group.IncludedRecipients,
      HiddenFromAddressListsEnabled: group.HiddenFromAddressListsEnabled,
      CalculatedMembershipUpdateTime: group.CalculatedMembershipUpdateTime,
      members: members.length,
      mailboxUsers: mailboxUsers.length,
      notMembers: missing.map((u) => ({ user: u.userPrincipalName, mailboxSince: iso(mailboxSince(u)) })),
    };
    const verdict = (status: Verdict['status'], detail: string, manual?: string, command?: string): Verdict => ({
      status,
      detail,
      observed,
      expected: EXPECTED,
      resource,
      ...(manual ? { remediation: { manual, command } } : {}),
    });

    if (!includesAll) {
      return verdict(
        'fail',
        `IncludedRecipients of "${group.Name}" is ${group.IncludedRecipients ? `"${group.IncludedRecipients}"` : `not set (custom RecipientFilter ${group.RecipientFilter ?? ''})`}; expected "MailboxUsers, MailGroups", so that mail to every user and every mail-enabled group is excepted from the catch-all redirect.`,
        `Exchange admin center → Recipients → Groups → Dynamic distribution list "${group.Name}" → Membership → Users with Exchange mailboxes and Mail-enabled groups → Save.`,
        `Set-DynamicDistributionGroup -Identity ${q} -IncludedRecipients 'MailboxUsers,MailGroups'`,
      );
    }
    if (!group.HiddenFromAddressListsEnabled) {
      return verdict(
        'fail',
        `HiddenFromAddressListsEnabled of "${group.Name}" is false; expected true: the group exists only for the catch-all rule, and a visible group lets anyone mail every user at once.`,
        `Exchange admin center → Recipients → Groups → "${group.Name}" → Settings → Hide from the global address list → Save.`,
        `Set-DynamicDistributionGroup -Identity ${q} -HiddenFromAddressListsEnabled $true`,
      );
    }
    const old = missing.filter((u) => !isRecent(u));
    const recent = missing.filter(isRecent);
    const refreshed = Number.isNaN(refreshedAt) ? 'unknown' : new Date(refreshedAt).toISOString();
    if (old.length > 0) {
      return verdict(
        'fail',
        `${listUsers(old)} ${old.length > 1 ? 'have' : 'has'} a mailbox from before the group's last refresh (${refreshed}) but ${old.length > 1 ? 'are' : 'is'} not in "${group.Name}"; expected every mailbox user to be a member. Mail to ${old.length > 1 ? 'them' : 'that user'} is redirected to the catch-all instead of delivered.`,
        `Check why the group's filter leaves ${old.length > 1 ? 'them' : 'the user'} out (Exchange admin center → Recipients → Groups → "${group.Name}" → Membership), then refresh the membership.`,
        `Set-DynamicDistributionGroup -Identity ${q} -ForceMembershipRefresh`,
      );
    }
    if (recent.length > 0) {
      return verdict(
        'warn',
        `${listUsers(recent)} ${recent.length > 1 ? 'have' : 'has'} a mailbox but ${recent.length > 1 ? 'are' : 'is'} not yet in "${group.Name}": Exchange refreshes the group's stored membership only every 24 hours (last at ${refreshed}). Until then, mail to ${recent.length > 1 ? 'them' : 'that user'} is caught by the catch-all rule and lands in ${ctx.tenant.catchallMailbox}.`,
        `Wait for the daily refresh, or refresh it now (it takes up to about 2 hours).`,
        `Set-DynamicDistributionGroup -Identity ${q} -ForceMembershipRefresh`,
      );
    }
    return verdict(
      'pass',
      `"${group.Name}" includes MailboxUsers and MailGroups, is hidden from address lists, and has all ${mailboxUsers.length} mailbox users as members.`,
    );
  },
});

/** Users licensed for an Exchange plan that is not disabled in their licence. */
export function usersWithMailbox(users: readonly GraphUser[], skus: readonly SubscribedSku[]): GraphUser[] {
  const exchangePlans = new Map(
    skus.map((s) => [s.skuId, s.servicePlans.filter((p) => isExchangePlan(p.servicePlanName)).map((p) => p.servicePlanId)]),
  );
  return users.filter((u) =>
    u.assignedLicenses.some((l) => (exchangePlans.get(l.skuId) ?? []).some((planId) => !l.disabledPlans.includes(planId))),
  );
}

/**
 * When the user got a mailbox: the latest assignment of an Exchange plan (a licence can come long
 * after the account), else the account's creation.
 */
function mailboxSince(user: GraphUser): number | undefined {
  const assigned = user.assignedPlans
    .filter((p) => p.service?.toLowerCase() === 'exchange' && p.capabilityStatus === 'Enabled' && p.assignedDateTime)
    .map((p) => Date.parse(p.assignedDateTime as string))
    .filter((t) => !Number.isNaN(t));
  const created = user.createdDateTime ? Date.parse(user.createdDateTime) : Number.NaN;
  const times = Number.isNaN(created) ? assigned : [...assigned, created];
  return times.length === 0 ? undefined : Math.max(...times);
}

function iso(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}

export function isMember(user: GraphUser, members: readonly Recipient[]): boolean {
  return members.some(
    (m) =>
      (m.ExternalDirectoryObjectId !== null && m.ExternalDirectoryObjectId === user.id) ||
      sameText(m.PrimarySmtpAddress, user.mail) ||
      sameText(m.PrimarySmtpAddress, user.userPrincipalName),
  );
}

function listUsers(users: readonly GraphUser[]): string {
  const names = users.map((u) => u.userPrincipalName);
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}
