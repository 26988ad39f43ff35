import type { CommandSpec } from './context.js';
import { takeTenantOption, usageError } from './parse.js';
import { runReport } from './run-report.js';

export const statusCommand: CommandSpec = {
  verb: 'status',
  summary: 'Runs every check and shows what is set up right and what is not.',
  usage: 'status [tenant]',
  examples: ['status', 'status contoso'],
  async run(args, ctx) {
    const { tenant: option, rest } = takeTenantOption(args);
    if (rest.length > 1) throw usageError(`\`status\` takes at most a tenant name, not "${rest.join(' ')}".`, this.usage);
    const tenant = ctx.core.tenant(option ?? rest[0]);
    const { report, message } = await runReport(ctx, tenant, ctx.core.catalogue);
    ctx.core.lastReports.set(tenant.name, report);
    return message;
  },
};
