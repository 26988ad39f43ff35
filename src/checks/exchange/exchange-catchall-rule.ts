import { exchangeDynamicGroup, exchangeTransportRules } from '../../adapters/exchange/sources.js';
import type { DynamicDistributionGroup, TransportRule } from '../../adapters/exchange/types.js';
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
    sources: [exchangeTransportRules, exchangeDynamicGroup],
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
    const group = snapshot.tryGet(exchangeDynamicGroup) ?? null;
    const problems = ruleProblems(rule, tenant, group);
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
    };
    const resource = { kind: 'TransportRule', id: rule.Identity, name: rule.Name };
    const q = psQuote(rule.Identity);

    if (problems.length > 0) {
      const notWorking = problems.some((p) => p.property === 'State' || p.property === 'Mode' || p.property === 'conditions');
      const commands = [fixCommand(rule, tenant)];
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

function ruleProblems(rule: TransportRule, tenant: TenantConfig, group: DynamicDistributionGroup | null): Problem[] {
  const problems: Problem[] = [];
  const add = (property: string, seen: unknown, expected: string) => problems.push({ property, seen: shown(seen), expected });
  if (rule.State !== 'Enabled') add('State', rule.State, 'Enabled');
  if (rule.Mode !== 'Enforce') add('Mode', rule.Mode, 'Enforce — in Audit mode the rule only logs and redirects nothing');
  const conditions = ruleConditions(rule);
  if (conditions.length > 0) add('conditions', conditions.join(', '), 'none — the rule must apply to all messages');
  const local = tenant.catchallMailbox.split('@')[0];
  const redirects = rule.RedirectMessageTo;
  if (redirects.length !== 1 || !(sameText(redirects[0], tenant.catchallMailbox) || sameText(redirects[0], local))) {
    add('RedirectMessageTo', redirects, tenant.catchallMailbox);
  }
  if (rule.ExceptIfSentToScope !== 'NotInOrganization') add('ExceptIfSentToScope', rule.ExceptIfSentToScope, 'NotInOrganization');
  const groupNames = [tenant.dynamicGroup, group?.Name, group?.Identity, group?.DisplayName, group?.PrimarySmtpAddress];
  if (!rule.ExceptIfSentToMemberOf.some((m) => groupNames.some((n) => sameText(m, n)))) {
    add('ExceptIfSentToMemberOf', rule.ExceptIfSentToMemberOf, `to contain ${tenant.dynamicGroup}`);
  }
  if (rule.SetAuditSeverity !== 'High') add('SetAuditSeverity', rule.SetAuditSeverity, 'High');
  if (!rule.StopRuleProcessing) add('StopRuleProcessing', rule.StopRuleProcessing, 'true');
  return problems;
}

/** An enabled, enforcing rule that runs earlier and stops processing takes the mail first. */
function shadowsRule(other: TransportRule, rule: TransportRule): boolean {
  return other.State === 'Enabled' && other.Mode === 'Enforce' && other.StopRuleProcessing && other.Priority < rule.Priority;
}

/** The Set-TransportRule that puts every property right (conditions cleared with $null). */
function fixCommand(rule: TransportRule, tenant: TenantConfig): string {
  const clear = ruleConditionNames(rule)
    .map((name) => ` -${name} $null`)
    .join('');
  return `Set-TransportRule -Identity ${psQuote(rule.Identity)}${clear} -RedirectMessageTo ${psQuote(tenant.catchallMailbox)} -ExceptIfSentToScope NotInOrganization -ExceptIfSentToMemberOf ${psQuote(tenant.dynamicGroup)} -SetAuditSeverity High -Mode Enforce -StopRuleProcessing $true`;
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : value.join(', ');
  return String(value);
}
