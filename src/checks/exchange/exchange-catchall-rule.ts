import {
  describeRecipient,
  type RecipientDirectory,
  recipientId,
  resolveIdentity,
  ruleRecipientIdentities,
  sameRecipient,
} from '../../adapters/exchange/recipients.js';
import { exchangeRuleRecipients, exchangeTransportRules } from '../../adapters/exchange/sources.js';
import type { Recipient, TransportRule } from '../../adapters/exchange/types.js';
import type { TenantConfig } from '../../config/schema.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { isNamed, sameText } from './shared/connectors.js';
import { psQuote } from './shared/powershell.js';
import { ruleConditionNames, ruleConditions } from './shared/rule-conditions.js';

interface Problem {
  property: string;
  seen: string;
  expected: string;
}

/** A rule property naming an identity no recipient of the tenant has. */
interface Unresolved {
  identity: string;
  sentence: string;
}

/**
 * Step 4: the catch-all transport rule, every property of it, and no higher-priority rule that
 * stops rule processing before it on the same mail.
 */
export const exchangeCatchallRuleCheck = defineCheck({
  meta: {
    id: 'exchange-catchall-rule',
    title: 'Catch-all transport rule',
    area: 'exchange',
    severity: 'critical',
    dependsOn: [],
    sources: [exchangeTransportRules, exchangeRuleRecipients],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./exchange-catchall-rule.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const tenant = ctx.tenant;
    const rules = snapshot.get(exchangeTransportRules);
    const expected = expectedProperties(tenant);
    const rule = rules.find((r) => isNamed(r, tenant.transportRule));
    if (!rule) {
      return {
        status: 'fail',
        detail: `There is no transport rule named "${tenant.transportRule}" (Get-TransportRule lists ${rules.length === 0 ? 'none' : rules.map((r) => `"${r.Name}"`).join(', ')}); expected the catch-all rule that redirects mail for unknown addresses to ${tenant.catchallMailbox}.`,
        observed: { rules: rules.map((r) => r.Name) },
        expected,
        resource: { kind: 'TransportRule', name: tenant.transportRule },
        remediation: {
          manual: `Exchange admin center → Mail flow → Rules → Add a rule → Create a new rule: name "${tenant.transportRule}", apply to all messages, redirect the message to ${tenant.catchallMailbox}, except if the recipient is located outside the organization or is a member of ${tenant.dynamicGroup}; audit severity High; mode Enforce; stop processing more rules; priority 0.`,
          command: `New-TransportRule -Name ${psQuote(tenant.transportRule)} -RedirectMessageTo ${psQuote(tenant.catchallMailbox)} -ExceptIfSentToScope NotInOrganization -ExceptIfSentToMemberOf ${psQuote(tenant.dynamicGroup)} -SetAuditSeverity High -Mode Enforce -StopRuleProcessing $true -Priority 0`,
        },
      };
    }
    const directory = snapshot.get(exchangeRuleRecipients);
    const { problems, unresolved } = ruleProblems(rule, tenant, directory);
    const shadows = rules.filter((r) => r !== rule && shadowsRule(r, rule));
    const full = shadows.filter((r) => ruleConditions(r).length === 0);
    const observed = {
      rule: rule.Name,
      State: rule.State,
      Mode: rule.Mode,
      Priority: rule.Priority,
      conditions: ruleConditions(rule),
      RedirectMessageTo: rule.RedirectMessageTo,
      ExceptIfSentToScope: rule.ExceptIfSentToScope,
      ExceptIfSentToMemberOf: rule.ExceptIfSentToMemberOf,
      SetAuditSeverity: rule.SetAuditSeverity,
      StopRuleProcessing: rule.StopRuleProcessing,
      earlierStoppingRules: shadows.map((r) => ({ Name: r.Name, Priority: r.Priority, conditions: ruleConditions(r) })),
      recipients: resolvedView(ruleRecipientIdentities(rule), directory),
    };
    const resource = { kind: 'TransportRule', id: rule.Identity, name: rule.Name };
    const q = psQuote(rule.Identity);

    if (problems.length > 0) {
      const notWorking = problems.some((p) => p.property === 'State' || p.property === 'Mode' || p.property === 'conditions');
      const set = fixCommand(rule, tenant, problems);
      const commands = set ? [set] : [];
      if (rule.State !== 'Enabled') commands.push(`Enable-TransportRule -Identity ${q} -Mode Enforce`);
      return {
        status: 'fail',
        detail: `Transport rule "${rule.Name}": ${problems.map((p) => `${p.property} is ${p.seen} (expected ${p.expected})`).join('; ')}.${notWorking ? ` As it is, the rule does not redirect mail for unknown addresses to ${tenant.catchallMailbox}.` : ''}`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `Exchange admin center → Mail flow → Rules → "${rule.Name}" → Edit rule conditions/settings: ${problems.map((p) => `${p.property} → ${p.expected}`).join('; ')} → Save${rule.State !== 'Enabled' ? ', then turn the rule on' : ''}.`,
          command: commands.join('; '),
        },
      };
    }
    if (full.length > 0) {
      const first = full[0] as TransportRule;
      return {
        status: 'fail',
        detail: `Transport rule "${first.Name}" (Priority ${first.Priority}, no conditions, Enforce, StopRuleProcessing true) runs before "${rule.Name}" (Priority ${rule.Priority}) on every message and stops rule processing, so the catch-all rule never runs; expected no earlier rule that stops processing.`,
        observed,
        expected: { ...expected, earlierStoppingRules: 'none' },
        resource,
        remediation: {
          manual: `Exchange admin center → Mail flow → Rules: move "${rule.Name}" above "${first.Name}" (Move up), or clear "Stop processing more rules" on "${first.Name}".`,
          command: `Set-TransportRule -Identity ${q} -Priority ${first.Priority}`,
        },
      };
    }
    if (shadows.length > 0) {
      const first = shadows[0] as TransportRule;
      return {
        status: 'warn',
        detail: `Transport rule "${first.Name}" (Priority ${first.Priority}) runs before "${rule.Name}" and stops rule processing for messages where ${ruleConditions(first).join(' and ')}; such messages to unknown addresses are not redirected to ${tenant.catchallMailbox}. Every property of the catch-all rule itself is as expected.`,
        observed,
        expected: { ...expected, earlierStoppingRules: 'none' },
        resource,
        remediation: {
          manual: `If those messages should reach the catch-all: Exchange admin center → Mail flow → Rules → move "${rule.Name}" above "${first.Name}", or clear "Stop processing more rules" on "${first.Name}".`,
          command: `Set-TransportRule -Identity ${q} -Priority ${first.Priority}`,
        },
      };
    }
    if (unresolved.length > 0) {
      return {
        status: 'warn',
        detail: `Transport rule "${rule.Name}": ${unresolved.map((u) => u.sentence).join('; ')}. Every other property is as expected, but Exchange cannot deliver to or except a recipient it does not have.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `Exchange admin center → Recipients: look for ${unresolved.map((u) => `'${u.identity}'`).join(', ')}; if it was deleted or renamed, edit rule "${rule.Name}" (Mail flow → Rules) to name ${tenant.catchallMailbox} as the redirect target and ${tenant.dynamicGroup} as the excepted group, creating them first if they are missing (see exchange-catchall-mailbox and exchange-dynamic-group).`,
          command: unresolved.map((u) => `Get-Recipient -Identity ${psQuote(u.identity)}`).join('; '),
        },
      };
    }
    return {
      status: 'pass',
      detail: `Transport rule "${rule.Name}" applies to all messages, redirects to ${tenant.catchallMailbox} except mail to outside recipients and to members of ${tenant.dynamicGroup}, is enabled in Enforce mode with audit severity High, stops further rules, and no earlier rule stops processing before it.`,
      observed,
      expected,
      resource,
    };
  },
});

function expectedProperties(tenant: TenantConfig): Record<string, unknown> {
  return {
    State: 'Enabled',
    Mode: 'Enforce',
    conditions: 'none (apply to all messages)',
    RedirectMessageTo: [tenant.catchallMailbox],
    ExceptIfSentToScope: 'NotInOrganization',
    ExceptIfSentToMemberOf: [tenant.dynamicGroup],
    SetAuditSeverity: 'High',
    StopRuleProcessing: true,
  };
}

/**
 * What is wrong with the rule's properties. Recipient properties are compared by what their
 * identities resolve to; an identity that resolves to nothing is reported on its own (`unresolved`),
 * never as a mismatch, since the bot cannot tell what it was meant to be.
 */
export function ruleProblems(
  rule: TransportRule,
  tenant: TenantConfig,
  directory: RecipientDirectory,
): { problems: Problem[]; unresolved: Unresolved[] } {
  const problems: Problem[] = [];
  const unresolved: Unresolved[] = [];
  const add = (property: string, seen: unknown, expected: string) => problems.push({ property, seen: shown(seen), expected });
  if (rule.State !== 'Enabled') add('State', rule.State, 'Enabled');
  if (rule.Mode !== 'Enforce') add('Mode', rule.Mode, 'Enforce — in Audit mode the rule only logs and redirects nothing');
  const conditions = ruleConditions(rule);
  if (conditions.length > 0) add('conditions', conditions.join(', '), 'none — the rule must apply to all messages');

  const catchall = resolveIdentity(directory, tenant.catchallMailbox) ?? null;
  const isCatchall = (r: Recipient) => (catchall ? sameRecipient(r, catchall) : sameText(r.PrimarySmtpAddress, tenant.catchallMailbox));
  const targets = rule.RedirectMessageTo.map((identity) => ({ identity, recipient: resolveIdentity(directory, identity) ?? null }));
  for (const t of targets.filter((t) => !t.recipient)) {
    unresolved.push({ identity: t.identity, sentence: `the rule redirects to '${t.identity}', which is no recipient in this tenant` });
  }
  const wrongTargets = targets.filter((t) => t.recipient && !isCatchall(t.recipient));
  if (targets.length === 0 || wrongTargets.length > 0) {
    add(
      'RedirectMessageTo',
      targets.map((t) => describeRecipient(t.identity, t.recipient)),
      tenant.catchallMailbox,
    );
  }

  if (rule.ExceptIfSentToScope !== 'NotInOrganization') add('ExceptIfSentToScope', rule.ExceptIfSentToScope, 'NotInOrganization');
  const group = resolveIdentity(directory, tenant.dynamicGroup) ?? null;
  const excepted = rule.ExceptIfSentToMemberOf.map((identity) => ({ identity, recipient: resolveIdentity(directory, identity) ?? null }));
  for (const e of excepted.filter((e) => !e.recipient)) {
    unresolved.push({
      identity: e.identity,
      sentence: `the rule excepts members of '${e.identity}', which is no recipient in this tenant`,
    });
  }
  const isGroup = (r: Recipient) => (group ? sameRecipient(r, group) : sameText(r.Name, tenant.dynamicGroup));
  // With an identity that resolves to nothing the bot cannot say the group is missing from the list.
  if (!excepted.some((e) => e.recipient && isGroup(e.recipient)) && excepted.every((e) => e.recipient)) {
    add(
      'ExceptIfSentToMemberOf',
      excepted.map((e) => describeRecipient(e.identity, e.recipient)),
      `to contain ${tenant.dynamicGroup}`,
    );
  }
  if (rule.SetAuditSeverity !== 'High') add('SetAuditSeverity', rule.SetAuditSeverity, 'High');
  if (!rule.StopRuleProcessing) add('StopRuleProcessing', rule.StopRuleProcessing, 'true');
  return { problems, unresolved };
}

/** What each identity the rule names resolved to, for the evidence. */
function resolvedView(identities: readonly string[], directory: RecipientDirectory): Record<string, unknown> {
  return Object.fromEntries(
    identities.map((identity) => {
      const r = resolveIdentity(directory, identity);
      return [identity, r ? { PrimarySmtpAddress: r.PrimarySmtpAddress, objectId: recipientId(r), RecipientType: r.RecipientType } : null];
    }),
  );
}

/** An enabled, enforcing rule that runs earlier and stops processing takes the mail first. */
export function shadowsRule(other: TransportRule, rule: TransportRule): boolean {
  return other.State === 'Enabled' && other.Mode === 'Enforce' && other.StopRuleProcessing && other.Priority < rule.Priority;
}

/**
 * The Set-TransportRule that puts the wrong properties right and leaves the others as they are (a
 * recipient named by display name stays so); undefined when only the state is wrong.
 */
function fixCommand(rule: TransportRule, tenant: TenantConfig, problems: readonly Problem[]): string | undefined {
  const wrong = new Set(problems.map((p) => p.property));
  const parameters = [
    ...(wrong.has('conditions') ? ruleConditionNames(rule).map((name) => `-${name} $null`) : []),
    ...(wrong.has('RedirectMessageTo') ? [`-RedirectMessageTo ${psQuote(tenant.catchallMailbox)}`] : []),
    ...(wrong.has('ExceptIfSentToScope') ? ['-ExceptIfSentToScope NotInOrganization'] : []),
    ...(wrong.has('ExceptIfSentToMemberOf') ? [`-ExceptIfSentToMemberOf ${psQuote(tenant.dynamicGroup)}`] : []),
    ...(wrong.has('SetAuditSeverity') ? ['-SetAuditSeverity High'] : []),
    ...(wrong.has('Mode') ? ['-Mode Enforce'] : []),
    ...(wrong.has('StopRuleProcessing') ? ['-StopRuleProcessing $true'] : []),
  ];
  return parameters.length > 0 ? `Set-TransportRule -Identity ${psQuote(rule.Identity)} ${parameters.join(' ')}` : undefined;
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : value.join(', ');
  return String(value);
}
