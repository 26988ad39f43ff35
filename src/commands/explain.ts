import { findCheck, readExplain } from '../checks/registry.js';
import type { TenantConfig } from '../config/schema.js';
import { AREAS } from '../engine/result.js';
import { isMailsetupError, MailsetupError } from '../errors.js';
import { botCommand } from '../render/message.js';
import type { CommandContext, CommandSpec } from './context.js';
import { explainBlocks, fillTenantValues } from './explain-text.js';
import { takeTenantOption, usageError } from './parse.js';

export const explainCommand: CommandSpec = {
  verb: 'explain',
  summary: 'What a step is for, how to do it by hand, and how to verify it.',
  usage: 'explain <id> [tenant]',
  examples: ['explain exchange-catchall-rule', 'explain erp-incoming-server'],
  async run(args, ctx) {
    const { tenant: option, rest } = takeTenantOption(args);
    const [id, tenantName, ...extra] = rest;
    if (!id || extra.length > 0) throw usageError('`explain` takes exactly one check id.', this.usage);
    const check = findCheck(id.toLowerCase(), ctx.core.catalogue);
    if (!check) {
      const close = ctx.core.catalogue.filter((c) => c.meta.id.includes(id.toLowerCase())).map((c) => c.meta.id);
      throw new MailsetupError('UsageError', `There is no check called "${id.slice(0, 60)}".`, {
        hint: close.length
          ? `Did you mean ${close.slice(0, 3).join(', ')}?`
          : `Areas: ${AREAS.join(', ')}; ${botCommand('check <area>')} shows an area's checks with their ids.`,
      });
    }
    const tenant = tenantFor(ctx, option ?? tenantName);
    const { markdown } = await readExplain(check);
    const meta = check.meta;
    return {
      summary: `${meta.title} (\`${meta.id}\`)`,
      tone: 'info',
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: 'Area', value: meta.area },
            { label: 'Severity', value: meta.severity },
            { label: 'Depends on', value: meta.dependsOn.length ? meta.dependsOn.map((d) => `\`${d}\``).join(', ') : 'nothing' },
            { label: 'Watched', value: meta.watched ? 'yes' : 'no' },
            ...(tenant ? [{ label: 'Tenant', value: tenant.domain }] : []),
          ],
        },
        ...explainBlocks(tenant ? fillTenantValues(markdown, tenant) : markdown),
      ],
    };
  },
};

/** The tenant whose values fill the text; none when several are configured and none was named. */
function tenantFor(ctx: CommandContext, name: string | undefined): TenantConfig | undefined {
  if (name !== undefined) return ctx.core.tenant(name);
  try {
    return ctx.core.tenant();
  } catch (error) {
    if (isMailsetupError(error) && error.code === 'UsageError') return undefined;
    throw error;
  }
}
