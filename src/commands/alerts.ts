import { scopeOf } from '../approvals/access.js';
import type { AlertDesk } from '../monitor/alert-actions.js';
import { alertTitle, clock, safeText } from '../monitor/alert-message.js';
import { formatDuration, MAX_SNOOZE_MS, parseDuration } from '../monitor/duration.js';
import type { Message } from '../render/message.js';
import { age } from '../render/time.js';
import type { AlertRecord } from '../store/alerts.js';
import type { CommandContext, CommandSpec } from './context.js';
import { takeTenantOption, usageError } from './parse.js';

const USAGE = 'alerts [tenant] | alerts ack <id> <reason> | alerts snooze <id> <duration> <reason>';

/** `alerts [tenant]`, `alerts ack <id> <reason>`, `alerts snooze <id> <duration> <reason>`. */
export const alertsCommand: CommandSpec = {
  verb: 'alerts',
  summary: 'Open alerts; acknowledge or snooze one (at most 7 days), with a reason.',
  usage: USAGE,
  examples: ['alerts', 'alerts ack a-1f2e3d4c vendor changing IPs', 'alerts snooze a-1f2e3d4c 4h waiting for the ERP vendor'],
  async run(args, ctx) {
    const desk = ctx.core.alerts;
    const [sub, ...rest] = args;
    if (sub === 'ack' || sub === 'acknowledge') return acknowledge(rest, ctx, desk);
    if (sub === 'snooze') return snooze(rest, ctx, desk);
    if (sub === 'mute' || sub === 'silence') {
      throw usageError('There is no permanent mute: snooze an alert for up to 7 days with a reason instead.', USAGE);
    }
    return list(args, ctx, desk);
  },
};

function list(args: string[], ctx: CommandContext, desk: AlertDesk | undefined): Message {
  const { tenant: option, rest } = takeTenantOption(args);
  const unknown = rest.find((a) => a.startsWith('--'));
  if (unknown) throw usageError(`\`alerts\` has no option ${unknown.slice(0, 40)}.`, USAGE);
  if (rest.length > 1) throw usageError(`\`alerts\` takes at most a tenant name, not "${rest.join(' ').slice(0, 80)}".`, USAGE);
  const named = option ?? rest[0];
  const tenants = named ? [ctx.core.tenant(named).name] : visibleTenants(ctx);
  if (!desk) return noStore();
  const now = desk.now();
  const alerts = desk.list().filter((a) => tenants.includes(a.tenant));
  const where = tenants.length === 1 ? tenants[0] : `${tenants.length} tenants`;
  if (alerts.length === 0) return { summary: `No open alerts for ${where}.`, tone: 'ok', blocks: [] };
  return {
    summary: `${alerts.length} open alert${alerts.length === 1 ? '' : 's'} for ${where}, oldest first`,
    tone: alerts.some((a) => a.state === 'firing') ? 'bad' : 'warn',
    blocks: [{ type: 'code', text: alerts.map((a) => alertLine(a, now)).join('\n') }],
  };
}

function acknowledge(args: string[], ctx: CommandContext, desk: AlertDesk | undefined): Message {
  const [id, ...words] = args;
  const usage = 'alerts ack <id> <reason>';
  if (!id) throw usageError('`alerts ack` needs the id of the alert (see `alerts`) and a reason.', usage);
  const reason = words.join(' ').trim();
  if (!reason) throw usageError('`alerts ack` needs a reason: say why, so the team knows (e.g. "vendor changing IPs").', usage);
  if (!desk) return noStore();
  const alert = allowedAlert(id, ctx, desk);
  if ('refusal' in alert) return refusal(alert.refusal);
  const outcome = desk.acknowledge(alert.id, ctx.actor, reason);
  if (outcome.refusal !== undefined) return refusal(outcome.refusal);
  void desk.deliverSoon();
  return {
    summary: `Acknowledged ${outcome.alert.id} (${outcome.alert.body.title || alertTitle(outcome.alert)}): no more reminders; the recovery will still be posted.`,
    tone: 'ok',
    blocks: [],
  };
}

function snooze(args: string[], ctx: CommandContext, desk: AlertDesk | undefined): Message {
  const [id, duration, ...words] = args;
  const usage = 'alerts snooze <id> <duration> <reason>';
  if (!id || !duration) throw usageError('`alerts snooze` needs the id of the alert, a duration (30m, 4h, 2d) and a reason.', usage);
  const ms = parseDuration(duration);
  if (ms === undefined)
    throw usageError(`"${duration.slice(0, 20)}" is not a duration: write a number and a unit, like 30m, 4h or 2d.`, usage);
  if (ms > MAX_SNOOZE_MS) throw usageError(`A snooze lasts at most 7 days, not ${formatDuration(ms)}; there is no permanent mute.`, usage);
  const reason = words.join(' ').trim();
  if (!reason) throw usageError('`alerts snooze` needs a reason: say why, so the team knows.', usage);
  if (!desk) return noStore();
  const alert = allowedAlert(id, ctx, desk);
  if ('refusal' in alert) return refusal(alert.refusal);
  const outcome = desk.snooze(alert.id, ms, ctx.actor, reason);
  if (outcome.refusal !== undefined) return refusal(outcome.refusal);
  void desk.deliverSoon();
  const until = outcome.alert.snooze?.until ?? '';
  return {
    summary: `Snoozed ${outcome.alert.id} until ${clock(until, desk.now())}: if it still fails then, the channel is told once more.`,
    tone: 'ok',
    blocks: [],
  };
}

/** The alert, when it exists and its tenant may be spoken about here (the channel's scope). */
function allowedAlert(id: string, ctx: CommandContext, desk: AlertDesk): AlertRecord | { refusal: string } {
  const alert = desk.get(id);
  if (!alert) return { refusal: `There is no alert ${safeText(id.slice(0, 40))}; \`alerts\` lists the open ones with their ids.` };
  ctx.core.tenant(alert.tenant);
  return alert;
}

/** Every tenant this place sees (the CLI and the console: all). */
function visibleTenants(ctx: CommandContext): string[] {
  const names = ctx.core.config.tenants.map((t) => t.name);
  if (ctx.actor.platform === 'cli' || ctx.actor.platform === 'console') return names;
  const scope = scopeOf(ctx.core.config.access, names, { platform: ctx.actor.platform, userId: ctx.actor.userId, ...ctx.place });
  if ('refused' in scope) return [ctx.core.tenant().name];
  return [...scope.tenants];
}

/** `a-1f2e3d4c  contoso  exchange-catchall-rule  firing  since 10:05 UTC (35 min ago)  the catch-all rule stopped working`. */
export function alertLine(alert: AlertRecord, now: Date): string {
  const since = alert.firingAt ?? alert.openedAt;
  const state =
    alert.state === 'snoozed' && alert.snooze
      ? `snoozed until ${clock(alert.snooze.until, now)}`
      : alert.state === 'acknowledged' && alert.ack
        ? `acknowledged by ${alert.ack.actor.displayName ?? alert.ack.actor.userId}`
        : alert.state;
  const title = (alert.body.title || alertTitle(alert)).replace(`${alert.tenant}: `, '');
  return `${alert.id}  ${alert.tenant}  ${alert.checkId}  ${state}  since ${clock(since, now)} (${age(now.getTime() - Date.parse(since))})  ${title}`;
}

function refusal(text: string): Message {
  return { summary: text, tone: 'error', blocks: [], ephemeral: true };
}

function noStore(): Message {
  return {
    summary: 'Alerts live in the store of the running bot, which watches the tenants; try `mailsetup alerts` in its chat or console.',
    tone: 'info',
    blocks: [],
  };
}
