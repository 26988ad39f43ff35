import { scopeOf } from '../approvals/access.js';
import { formatDuration, parseDuration } from '../config/duration.js';
import type { WatchedTenant } from '../monitor/watcher.js';
import type { Message } from '../render/message.js';
import type { CommandContext, CommandSpec } from './context.js';
import { usageError } from './parse.js';

const USAGE = 'watch [pause <tenant> <duration> <reason> | resume <tenant>]';

/**
 * `watch`: per tenant the next run, the last run's result and any pause; `watch pause <tenant>
 * <duration> <reason>` (at most 7 days, audited) and `watch resume <tenant>`.
 */
export const watchCommand: CommandSpec = {
  verb: 'watch',
  summary: 'The scheduled watch: next and last run per tenant, and pauses (at most 7 days, with a reason).',
  usage: USAGE,
  examples: ['watch', 'watch pause contoso 4h vendor changing IPs', 'watch resume contoso'],
  async run(args, ctx) {
    const control = ctx.core.watch;
    if (!control) {
      return {
        summary: 'The watch state lives in the store, which only the running bot opens; try `mailsetup watch` on its host.',
        tone: 'info',
        blocks: [],
      };
    }
    const [sub, tenantArg, durationArg, ...reasonWords] = args;
    const actor = {
      platform: ctx.actor.platform,
      userId: ctx.actor.userId,
      ...(ctx.actor.displayName ? { displayName: ctx.actor.displayName } : {}),
    };
    if (sub === 'pause') {
      if (!tenantArg || !durationArg) throw usageError('`watch pause` needs a tenant, a duration (e.g. 4h) and a reason.', USAGE);
      const tenant = ctx.core.tenant(tenantArg);
      const ms = parseDuration(durationArg);
      if (ms === undefined)
        throw usageError(`"${durationArg.slice(0, 20)}" is not a duration: write a number and a unit, like 30m, 4h or 2d.`, USAGE);
      const pause = control.pauses.pause(tenant.name, ms, reasonWords.join(' '), actor);
      return {
        summary: `The watch of ${tenant.name} is paused for ${formatDuration(ms)}, until ${utc(pause.until, control.now())}: ${pause.reason}`,
        tone: 'warn',
        blocks: [
          {
            type: 'text',
            text: `It resumes by itself then, or with ${'`'}mailsetup watch resume ${tenant.name}${'`'}. Alerts do not change while it is paused.`,
          },
        ],
      };
    }
    if (sub === 'resume') {
      if (!tenantArg || durationArg) throw usageError('`watch resume` takes exactly one tenant.', USAGE);
      const tenant = ctx.core.tenant(tenantArg);
      const ended = control.pauses.resume(tenant.name, actor);
      return ended
        ? {
            summary: `The watch of ${tenant.name} runs again (it was paused until ${utc(ended.until, control.now())}: ${ended.reason}).`,
            tone: 'ok',
            blocks: [],
          }
        : { summary: `The watch of ${tenant.name} was not paused.`, tone: 'info', blocks: [] };
    }
    if (sub !== undefined && sub !== '--tenant') {
      // `watch contoso`: one tenant's line.
      if (args.length > 1) throw usageError(`\`watch\` takes pause, resume or a tenant, not "${args.join(' ').slice(0, 60)}".`, USAGE);
      return overview(
        control.tenants().filter((t) => t.tenant === ctx.core.tenant(sub).name),
        ctx,
        control.config.every,
        control.now(),
      );
    }
    const visible = visibleTenants(ctx);
    return overview(
      control.tenants().filter((t) => visible.includes(t.tenant)),
      ctx,
      control.config.every,
      control.now(),
      control.running,
    );
  },
};

function overview(tenants: WatchedTenant[], ctx: CommandContext, everyMs: number, now: Date, running = true): Message {
  const e2e = ctx.core.config.watch.e2eEvery;
  const schedule = `every ${formatDuration(everyMs)}, the end-to-end test ${e2e === null ? 'off' : `every ${formatDuration(e2e)}`}`;
  const paused = tenants.filter((t) => t.pause).length;
  const failing = tenants.filter((t) => t.last && (t.last.runError || t.last.failing.length > 0)).length;
  const state = ctx.core.config.watch.enabled ? schedule : `off (no \`watch\` section in the config; it would run ${schedule})`;
  return {
    summary: `Watch ${state}: ${tenants.length} tenant(s), ${failing} failing at the last run, ${paused} paused`,
    tone: failing > 0 ? 'bad' : paused > 0 ? 'warn' : 'info',
    blocks: [
      {
        type: 'table',
        title: 'Tenants',
        columns: ['Tenant', 'Next run', 'Last run', 'Pause'],
        rows: tenants.map((t) => [
          t.tenant,
          t.pause ? 'paused' : t.nextRunAt ? utc(t.nextRunAt.toISOString(), now) : running ? '-' : 'when the bot runs',
          lastRunText(t, now),
          t.pause
            ? `until ${utc(t.pause.until, now)}: ${t.pause.reason}${t.pause.by ? ` (${t.pause.by.displayName ?? t.pause.by.userId})` : ''}`
            : '-',
        ]),
      },
    ],
  };
}

function lastRunText(t: WatchedTenant, now: Date): string {
  const last = t.last;
  if (!last) return 'not yet';
  const when = utc(last.at, now);
  if (last.runError) return `${when}: could not run — ${last.runError}`;
  const { pass, warn, fail, error, skip } = last.counts;
  const failing = last.failing.length > 0 ? ` (${last.failing.join(', ')})` : '';
  return `${when}: ${fail} fail, ${error} error, ${warn} warn, ${pass} pass, ${skip} skip${failing}`;
}

/** The tenants this place may see (every one in the CLI and the console). */
function visibleTenants(ctx: CommandContext): readonly string[] {
  const names = ctx.core.config.tenants.map((t) => t.name);
  const scope = scopeOf(ctx.core.config.access, names, { platform: ctx.actor.platform, userId: ctx.actor.userId, ...ctx.place });
  // A refused place gets the refusal sentence through `tenant()`.
  if ('refused' in scope) return [ctx.core.tenant().name];
  return scope.tenants;
}

/** `2026-12-02T10:05:00.000Z` → `10:05:00 UTC` today, `2 Dec 10:05:00 UTC` another day. */
function utc(iso: string, now: Date): string {
  const date = new Date(iso);
  const time = `${date.toISOString().slice(11, 19)} UTC`;
  const today = now.toISOString().slice(0, 10) === date.toISOString().slice(0, 10);
  return today ? time : `${date.getUTCDate()} ${date.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })} ${time}`;
}
