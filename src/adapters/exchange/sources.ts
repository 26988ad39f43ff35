import { defineSource } from '../../engine/source.js';
import { distinctIdentities, identityKey, type RecipientDirectory, ruleRecipientIdentities } from './recipients.js';
import type { Recipient } from './types.js';

/**
 * Exchange Online reads shared by the checks: each cmdlet call made at most once per run
 * (one Get-TransportRule serves the rule check and its shadowing analysis).
 */

export const exchangeInboundConnectors = defineSource({
  key: 'exchange.inbound-connectors',
  label: 'the inbound connectors (Get-InboundConnector)',
  fetch: (ctx) => ctx.adapters.exchange.getInboundConnectors(ctx.signal),
});

export const exchangeTransportRules = defineSource({
  key: 'exchange.transport-rules',
  label: 'the transport rules (Get-TransportRule)',
  fetch: (ctx) => ctx.adapters.exchange.getTransportRules(ctx.signal),
});

export const exchangeAcceptedDomains = defineSource({
  key: 'exchange.accepted-domains',
  label: 'the accepted domains (Get-AcceptedDomain)',
  fetch: (ctx) => ctx.adapters.exchange.getAcceptedDomains(ctx.signal),
});

/** The configured dynamic distribution group; null when it does not exist. */
export const exchangeDynamicGroup = defineSource({
  key: 'exchange.dynamic-group',
  label: 'the dynamic distribution group (Get-DynamicDistributionGroup)',
  fetch: (ctx) => ctx.adapters.exchange.getDynamicDistributionGroup(ctx.tenant.dynamicGroup, ctx.signal),
});

/** The group's stored members; null when the group does not exist. */
export const exchangeDynamicGroupMembers = defineSource({
  key: 'exchange.dynamic-group-members',
  label: "the dynamic group's members (Get-DynamicDistributionGroupMember)",
  fetch: async (ctx) => {
    const group = await ctx.get(exchangeDynamicGroup);
    return group ? ctx.adapters.exchange.getDynamicDistributionGroupMembers(ctx.tenant.dynamicGroup, ctx.signal) : null;
  },
});

/** The catch-all mailbox; null when there is none. */
export const exchangeCatchallMailbox = defineSource({
  key: 'exchange.catchall-mailbox',
  label: 'the catch-all mailbox (Get-Mailbox)',
  fetch: (ctx) => ctx.adapters.exchange.getMailbox(ctx.tenant.catchallMailbox, ctx.signal),
});

/** The catch-all mailbox's client access settings; null when there is no mailbox. */
export const exchangeCatchallCasMailbox = defineSource({
  key: 'exchange.catchall-cas-mailbox',
  label: "the catch-all mailbox's IMAP setting (Get-CASMailbox)",
  fetch: (ctx) => ctx.adapters.exchange.getCasMailbox(ctx.tenant.catchallMailbox, ctx.signal),
});

export const exchangeOrganizationConfig = defineSource({
  key: 'exchange.organization-config',
  label: 'the organization config (Get-OrganizationConfig)',
  fetch: (ctx) => ctx.adapters.exchange.getOrganizationConfig(ctx.signal),
});

/**
 * Every recipient identity the catch-all rule names (its targets and exception groups) and the ones
 * the config expects there (the catch-all mailbox, the dynamic group), resolved with Get-Recipient:
 * one call per distinct identity per run. The rule comes from the shared Get-TransportRule read.
 */
export const exchangeRuleRecipients = defineSource({
  key: 'exchange.rule-recipients',
  label: 'the recipients the catch-all rule names (Get-Recipient)',
  fetch: async (ctx): Promise<RecipientDirectory> => {
    const rules = await ctx.get(exchangeTransportRules);
    const wanted = identityKey(ctx.tenant.transportRule);
    const rule = rules.find((r) => identityKey(r.Name) === wanted || identityKey(r.Identity) === wanted);
    const identities = distinctIdentities([
      ctx.tenant.catchallMailbox,
      ctx.tenant.dynamicGroup,
      ...(rule ? ruleRecipientIdentities(rule) : []),
    ]);
    const resolved = await Promise.all(
      identities.map(
        async (identity): Promise<[string, Recipient | null]> => [
          identityKey(identity),
          await ctx.adapters.exchange.getRecipient(identity, ctx.signal),
        ],
      ),
    );
    return Object.fromEntries(resolved);
  },
});
