import { resolveIdentity, sameRecipient } from '../../adapters/exchange/recipients.js';
import { exchangeRuleRecipients, exchangeTransportRules } from '../../adapters/exchange/sources.js';
import type { CmdletParameters, CmdletParameterValue, TransportRule } from '../../adapters/exchange/types.js';
import { basisOf, definePlanner, exchangeCall, type FixCall, type FixChange, refuse } from '../../engine/fix.js';
import { ruleProblems, shadowsRule } from './exchange-catchall-rule.js';
import { isNamed } from './shared/connectors.js';
import { ruleConditionNames, ruleConditions } from './shared/rule-conditions.js';

/**
 * Creates the catch-all rule with every property of step 4, or sets the wrong ones, enables it in
 * Enforce mode, and moves it above a rule that stops processing before it. Recipients are named
 * by the configured address and group; Exchange stores them as it knows them.
 */
export const exchangeCatchallRulePlanner = definePlanner({
  checkId: 'exchange-catchall-rule',
  sources: [exchangeTransportRules, exchangeRuleRecipients],
  plan(snapshot, ctx) {
    const tenant = ctx.tenant;
    const rules = snapshot.get(exchangeTransportRules);
    const directory = snapshot.get(exchangeRuleRecipients);
    const catchall = resolveIdentity(directory, tenant.catchallMailbox);
    const group = resolveIdentity(directory, tenant.dynamicGroup);
    if (!catchall)
      return refuse(
        `The catch-all mailbox ${tenant.catchallMailbox} is no recipient in this tenant; the rule cannot redirect to it until it exists (see exchange-catchall-mailbox).`,
      );
    if (!group)
      return refuse(
        `The dynamic group ${tenant.dynamicGroup} is no recipient in this tenant; the rule cannot except its members until it exists: fix exchange-dynamic-group first.`,
      );
    const rule = rules.find((r) => isNamed(r, tenant.transportRule));
    const basis = basisOf({
      rules: rules.map((r) => ({ ...r })),
      catchall: catchall.PrimarySmtpAddress,
      group: group.PrimarySmtpAddress,
    });
    if (!rule) {
      const parameters = {
        Name: tenant.transportRule,
        RedirectMessageTo: [tenant.catchallMailbox],
        ExceptIfSentToScope: 'NotInOrganization',
        ExceptIfSentToMemberOf: [tenant.dynamicGroup],
        SetAuditSeverity: 'High',
        Mode: 'Enforce',
        StopRuleProcessing: true,
        Priority: 0,
        Enabled: true,
      } satisfies CmdletParameters;
      return {
        target: `TransportRule "${tenant.transportRule}"`,
        changes: [
          { setting: 'TransportRule', before: null, after: tenant.transportRule },
          ...Object.entries(parameters)
            .filter(([k]) => k !== 'Name')
            .map(([setting, after]) => ({ setting, before: null, after: after as FixChange['after'] })),
          ...(rules.length > 0
            ? [{ setting: 'Priority of the other rules', before: 'from 0', after: 'from 1 (each moves down one)' }]
            : []),
        ],
        calls: [exchangeCall('New-TransportRule', parameters)],
        basis,
      };
    }
    const { problems, unresolved } = ruleProblems(rule, tenant, directory);
    const wrong = new Set(problems.map((p) => p.property));
    const changes: FixChange[] = [];
    const set: Record<string, CmdletParameterValue> = {};
    const change = (setting: string, before: FixChange['before'], after: FixChange['after'], value: CmdletParameterValue) => {
      changes.push({ setting, before, after });
      set[setting] = value;
    };
    if (wrong.has('conditions')) {
      for (const name of ruleConditionNames(rule)) change(name, String((rule as Record<string, unknown>)[name]), null, null);
    }
    const targetsUnresolved = unresolved.some((u) => rule.RedirectMessageTo.includes(u.identity));
    if (wrong.has('RedirectMessageTo') || targetsUnresolved) {
      change('RedirectMessageTo', [...rule.RedirectMessageTo], [tenant.catchallMailbox], [tenant.catchallMailbox]);
    }
    if (wrong.has('ExceptIfSentToScope')) change('ExceptIfSentToScope', rule.ExceptIfSentToScope, 'NotInOrganization', 'NotInOrganization');
    const groupsUnresolved = unresolved.some((u) => rule.ExceptIfSentToMemberOf.includes(u.identity));
    if (wrong.has('ExceptIfSentToMemberOf') || groupsUnresolved) {
      // Keep the groups that resolve; replace those that do not; add the configured one.
      const kept = rule.ExceptIfSentToMemberOf.filter((identity) => {
        const r = resolveIdentity(directory, identity);
        return r && !sameRecipient(r, group);
      });
      const after = [...kept, tenant.dynamicGroup];
      change('ExceptIfSentToMemberOf', [...rule.ExceptIfSentToMemberOf], after, after);
    }
    if (wrong.has('SetAuditSeverity')) change('SetAuditSeverity', rule.SetAuditSeverity, 'High', 'High');
    if (wrong.has('StopRuleProcessing')) change('StopRuleProcessing', rule.StopRuleProcessing, true, true);

    const calls: FixCall[] = [];
    const shadows = rules.filter((r) => r !== rule && shadowsRule(r, rule)).sort((a, b) => a.Priority - b.Priority);
    const first = shadows[0] as TransportRule | undefined;
    if (first) {
      changes.push({ setting: 'Priority', before: rule.Priority, after: first.Priority });
      changes.push({
        setting: `Priority of "${first.Name}"${shadows.length > 1 ? ' and the rules after it' : ''}`,
        before: first.Priority,
        after: `${first.Priority + 1} (moves down one)`,
      });
      set.Priority = first.Priority;
    }
    const enable = rule.State !== 'Enabled';
    if (wrong.has('Mode')) {
      changes.push({ setting: 'Mode', before: rule.Mode, after: 'Enforce' });
      if (!enable) set.Mode = 'Enforce';
    }
    if (Object.keys(set).length > 0) calls.push(exchangeCall('Set-TransportRule', { Identity: rule.Identity, ...set }));
    if (enable) {
      changes.push({ setting: 'State', before: rule.State, after: 'Enabled' });
      calls.push(exchangeCall('Enable-TransportRule', { Identity: rule.Identity, ...(wrong.has('Mode') ? { Mode: 'Enforce' } : {}) }));
    }
    if (calls.length === 0) return refuse(`Transport rule "${rule.Name}" already has every property of step 4; nothing to change.`);
    const notes = ruleConditions(rule).length > 0 ? [`The rule's conditions are cleared so that it applies to all messages.`] : [];
    return { target: `TransportRule "${rule.Name}"`, changes, calls, basis, ...(notes.length > 0 ? { notes } : {}) };
  },
});
