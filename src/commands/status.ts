import type { CommandSpec } from './context.js';
import { tenantArgument } from './parse.js';
import { runReport } from './run-report.js';

export const statusCommand: CommandSpec = {
  verb: 'status',
  summary: 'Runs every check and shows what is set up right and what is not.',
  usage: 'status [tenant]',
  examples: ['status', 'status contoso'],
  async run(args, ctx) {
    const tenant = ctx.core.tenant(tenantArgument(args, this));
    const { report, message } = await runReport(ctx, tenant, ctx.core.catalogue);
    ctx.core.lastReports.set(tenant.name, report);
    return message;
  },
};
