import type { CommandSpec } from './context.js';
import { planFix, renderDryRun } from './fix.js';
import { takeTenantOption, usageError } from './parse.js';

/**
 * `fix <check-id> [tenant] [--remove-extra]` in chat and the console: plans the fix and posts its
 * card with Approve / Reject. Without the approval flow (no store), it answers with the dry run.
 */
export const fixCommand: CommandSpec = {
  verb: 'fix',
  summary: 'Plans the fix of a failing check and asks an approver to apply it.',
  usage: 'fix <check-id> [tenant] [--remove-extra]',
  examples: ['fix exchange-connector-ips', 'fix exchange-connector-ips contoso --remove-extra'],
  async run(args, ctx) {
    const { tenant: tenantOption, rest } = takeTenantOption(args);
    const removeExtra = rest.includes('--remove-extra');
    const positionals = rest.filter((a) => a !== '--remove-extra');
    const unknown = positionals.find((a) => a.startsWith('--'));
    if (unknown) throw usageError(`\`fix\` has no option ${unknown.slice(0, 40)}.`, this.usage);
    const [checkId, tenantArg, ...extra] = positionals;
    if (!checkId) throw usageError('`fix` needs the id of the check to fix.', this.usage);
    if (extra.length > 0) throw usageError(`\`fix\` takes a check id and a tenant, not "${extra.join(' ')}".`, this.usage);
    // Resolve the tenant first: in chat this is where a channel's scope refuses another tenant.
    const tenant = ctx.core.tenant(tenantOption ?? tenantArg);
    const options = { removeExtra: removeExtra || undefined, signal: ctx.signal };
    if (ctx.core.approvals) return ctx.core.approvals.request(checkId, tenant.name, ctx.actor, options);
    const dry = await planFix(ctx.core, checkId, tenant.name, options);
    return { summary: renderDryRun(dry).trim(), tone: 'info', blocks: [] };
  },
};
