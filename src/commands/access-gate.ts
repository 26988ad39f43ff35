import { scopeOf } from '../approvals/access.js';
import type { TenantConfig } from '../config/schema.js';
import { MailsetupError } from '../errors.js';
import type { CommandContext, Core } from './context.js';

/**
 * A chat command sees only the tenants of its place (`access`): the core it runs with answers
 * `tenant()` within that scope, with no tenant meaning the channel's own. A refusal is audited
 * (`refused`) and answered only to the asker. The CLI and the console see every tenant.
 */
export function scopedContext(ctx: CommandContext, verb: string): CommandContext {
  const { core, actor } = ctx;
  if (actor.platform === 'cli' || actor.platform === 'console') return ctx;
  const names = core.config.tenants.map((t) => t.name);
  const scope = scopeOf(core.config.access, names, { platform: actor.platform, userId: actor.userId, ...ctx.place });
  const refuse = (tenant: string, reason: string): never => {
    core.audit?.append({ event: 'refused', tenant, actor, details: { command: verb, channel: ctx.place?.channelId ?? null, reason } });
    throw new MailsetupError('NotAuthorized', reason, {
      hint: 'Ask in a channel bound to that tenant, or ask whoever runs the bot to change `access` in its config.',
    });
  };
  if ('refused' in scope) {
    return { ...ctx, core: { ...core, tenant: (name?: string) => refuse(name ?? '(none)', `Refused here: ${scope.refused}.`) } };
  }
  const allowed = scope.tenants;
  const scoped: Core = {
    ...core,
    tenant(name?: string): TenantConfig {
      if (name === undefined) {
        if (allowed.length === 1) return core.tenant(allowed[0]);
        if (allowed.length === names.length) return core.tenant();
        throw new MailsetupError('UsageError', `This channel sees ${allowed.length} tenants; say which one.`, {
          hint: `Tenants here: ${allowed.join(', ')}.`,
        });
      }
      const wanted = name.toLowerCase();
      const found = core.config.tenants.find((t) => t.name === wanted || t.domain === wanted);
      if (!found || !allowed.includes(found.name)) {
        return refuse(
          found?.name ?? wanted.slice(0, 40),
          `This channel may not run commands about "${name.slice(0, 40)}"; it sees ${allowed.join(', ')}.`,
        );
      }
      return found;
    },
  };
  return { ...ctx, core: scoped };
}
