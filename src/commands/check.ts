import { selectChecks } from '../checks/registry.js';
import { tenantHeading } from '../render/report-message.js';
import type { CommandSpec } from './context.js';
import { takeTenantOption, usageError } from './parse.js';
import { runReport } from './run-report.js';

export const checkCommand: CommandSpec = {
  verb: 'check',
  summary: 'Runs one check or one area, with full evidence.',
  usage: 'check <id or area> [tenant]',
  examples: ['check exchange-connector-ips', 'check erp', 'check exchange-catchall'],
  async run(args, ctx) {
    const { tenant: option, rest } = takeTenantOption(args);
    const [selector, tenantName, ...extra] = rest;
    if (!selector) throw usageError('`check` needs a check id or an area.', this.usage);
    if (extra.length > 0) throw usageError(`\`check\` takes an id or area and a tenant, not "${rest.join(' ')}".`, this.usage);
    const checks = selectChecks(selector, ctx.core.catalogue);
    const tenant = ctx.core.tenant(option ?? tenantName);
    const { message } = await runReport(ctx, tenant, checks, { title: tenantHeading(tenant.domain, `\`${selector}\``) });
    return message;
  },
};
