import { redact } from '../config/secret.js';
import type { AlertAction, Message, MessageBlock } from '../render/message.js';
import { botCommand } from '../render/message.js';
import { neutraliseControls } from '../render/safe-text.js';
import { personTime } from '../render/time.js';
import type { AlertRecord, JoinedFailure } from '../store/alerts.js';
import { className, serviceName } from './alert-key.js';
import { impactOf } from './impact.js';
import { observedDiff } from './observed-diff.js';

/** What the messages need besides the alert: the tenant's mail domain (for "mail to … at contoso.com"). */
export interface MessageContext {
  now: Date;
  domain?: string;
}

/** "contoso: the catch-all rule stopped working"; "contoso: cannot check the ERP (connection refused)". */
export function alertTitle(alert: Pick<AlertRecord, 'tenant' | 'kind' | 'key' | 'checkId' | 'body'>, domain?: string): string {
  if (alert.kind === 'error') {
    const [source = '', cls = ''] = splitKey(alert.key);
    return `${alert.tenant}: cannot check ${serviceName(source)} (${className(cls)})`;
  }
  return `${alert.tenant}: ${impactOf(alert.checkId, alert.body.result.title, domain).what} stopped working`;
}

/** The root message, as it stands: what broke and what it means, what changed, the cause, the state, the buttons. */
export function rootMessage(alert: AlertRecord, ctx: MessageContext): Message {
  const result = alert.body.result;
  const resolved = alert.state === 'resolved';
  const blocks: MessageBlock[] = [];
  if (alert.kind === 'fail') {
    const { what, meaning } = impactOf(alert.checkId, result.title, ctx.domain);
    const since = alert.body.baseline
      ? `${capital(what)} stopped working between ${clock(alert.body.baseline.at, ctx.now)} and ${clock(alert.openedAt, ctx.now)}`
      : `${capital(what)} — failing since ${clock(alert.openedAt, ctx.now)}, with no passing run seen before`;
    blocks.push({ type: 'text', text: `${since}: ${meaning}.` });
    blocks.push({ type: 'text', text: result.detail });
    const changes = whatChanged(alert);
    if (changes) blocks.push(changes);
    if (result.cause && result.cause.checkId !== alert.checkId) {
      blocks.push({ type: 'text', text: `*Cause* (${result.cause.code}): ${result.cause.explanation}` });
    }
  } else {
    blocks.push({
      type: 'text',
      text: `The bot cannot tell whether the setup works: ${alert.body.members.length} check${alert.body.members.length === 1 ? '' : 's'} could not run because of this (${alert.body.members.map((m) => `\`${m}\``).join(', ')}). This is not a finding about the setup.`,
    });
    blocks.push({ type: 'text', text: result.detail });
  }
  if (alert.body.joined.length) {
    blocks.push({
      type: 'text',
      text: `Also failing because of this: ${alert.body.joined.map((j) => `\`${j.checkId}\``).join(', ')} (in the thread).`,
    });
  }
  blocks.push({
    type: 'fields',
    fields: [
      { label: 'Check', value: `\`${alert.checkId}\`` },
      {
        label: alert.kind === 'fail' ? 'Target' : 'Service',
        value: alert.kind === 'fail' ? (result.resource?.name ?? alert.target) : serviceName(alert.target),
      },
      { label: 'State', value: stateLine(alert, ctx.now) },
      { label: 'Alert', value: `\`${alert.id}\`` },
    ],
  });
  if (!resolved) blocks.push({ type: 'alert-actions', alertId: alert.id, actions: actionsFor(alert) });
  return safeMessage({
    summary: resolved ? `${alertTitle(alert, ctx.domain)} — resolved` : alertTitle(alert, ctx.domain),
    tone: resolved ? 'ok' : alert.kind === 'error' ? 'error' : alert.state === 'acknowledged' || alert.state === 'snoozed' ? 'warn' : 'bad',
    blocks,
  });
}

/** "firing since 10:05 UTC · acknowledged by Ana: "vendor changing IPs" · snoozed until 14:00 UTC · resolved after 35 min". */
export function stateLine(alert: AlertRecord, now: Date): string {
  const parts: string[] = [];
  if (alert.state === 'pending') parts.push(`failing since ${clock(alert.openedAt, now)} (not yet confirmed)`);
  else parts.push(`firing since ${clock(alert.firingAt ?? alert.openedAt, now)}`);
  if (alert.flapping && alert.state !== 'resolved') parts.push('flapping (fails and passes by turns)');
  if (alert.ack) parts.push(`acknowledged by ${alert.ack.actor.displayName ?? alert.ack.actor.userId}: "${alert.ack.reason}"`);
  if (alert.snooze && alert.state === 'snoozed') parts.push(`snoozed until ${clock(alert.snooze.until, now)}: "${alert.snooze.reason}"`);
  if (alert.state === 'resolved' && alert.resolvedAt) parts.push(`resolved after ${lasted(alert.openedAt, alert.resolvedAt)}`);
  return parts.join(' · ');
}

/** The recovery: a thread reply that is also shown in the channel. */
export function recoveryMessage(alert: AlertRecord, ctx: MessageContext): Message {
  const what =
    alert.kind === 'error' ? 'the bot can check again' : `${impactOf(alert.checkId, alert.body.result.title, ctx.domain).what} works again`;
  return safeMessage({
    summary: `${alert.tenant}: ${what} (resolved after ${lasted(alert.openedAt, alert.resolvedAt ?? ctx.now.toISOString())}).`,
    tone: 'ok',
    blocks: [{ type: 'text', text: `\`${alert.checkId}\` passes again at ${clock(alert.resolvedAt ?? ctx.now.toISOString(), ctx.now)}.` }],
  });
}

/** A failure that follows from this alert's, added to its thread. */
export function joinedMessage(joined: JoinedFailure): Message {
  return safeMessage({
    summary: `Also failing because of this: \`${joined.checkId}\` (${joined.target}).`,
    tone: 'bad',
    blocks: [{ type: 'text', text: joined.detail }],
  });
}

/** A follow-up in the thread while the alert stays firing, unacknowledged. */
export function stillFailingMessage(alert: AlertRecord, ctx: MessageContext): Message {
  return safeMessage({
    summary: `Still failing after ${lasted(alert.firingAt ?? alert.openedAt, ctx.now.toISOString())}: ${alert.body.result.detail}`,
    tone: alert.kind === 'error' ? 'error' : 'bad',
    blocks: [{ type: 'text', text: `Acknowledge it (${botCommand(`alerts ack ${alert.id} <reason>`)}) to stop these reminders.` }],
  });
}

/** The one re-notification when a snooze ends and the check still fails. */
export function snoozeEndedMessage(alert: AlertRecord, ctx: MessageContext): Message {
  return safeMessage({
    summary: `⏰ The snooze of ${alertTitle(alert, ctx.domain)} ended, and it is still failing.`,
    tone: alert.kind === 'error' ? 'error' : 'bad',
    blocks: [{ type: 'text', text: alert.body.result.detail }],
  });
}

function whatChanged(alert: AlertRecord): MessageBlock | undefined {
  const { baseline, result } = alert.body;
  if (!baseline) {
    const expected = Object.entries(result.expected).map(([k, v]) => `\`${k}\` expected ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return expected.length
      ? {
          type: 'text',
          text: `*Expected* (no passing run to compare with):\n${expected
            .slice(0, 6)
            .map((l) => `• ${l}`)
            .join('\n')}`,
        }
      : undefined;
  }
  const changes = observedDiff(baseline.observed, result.observed, { important: Object.keys(result.expected) });
  if (changes.length === 0)
    return {
      type: 'text',
      text: `*What changed* since the last passing run (${clock(baseline.at, new Date(alert.openedAt))}): nothing the check records; see the detail above.`,
    };
  return {
    type: 'text',
    text: `*What changed* since the last passing run (${clock(baseline.at, new Date(alert.openedAt))}):\n${changes.map((c) => `• ${c.text}`).join('\n')}`,
  };
}

function actionsFor(alert: AlertRecord): AlertAction[] {
  return ['acknowledge', 'snooze', ...(alert.kind === 'fail' && alert.body.result.fixable ? (['fix'] as const) : []), 'run'];
}

/** Every string redacted (known secrets) and with its control characters neutralised. */
export function safeMessage(message: Message): Message {
  return deepSafe(message);
}

export function safeText(text: string): string {
  return neutraliseControls(redact(text));
}

function deepSafe<T>(value: T): T {
  if (typeof value === 'string') return safeText(value) as T;
  if (Array.isArray(value)) return value.map(deepSafe) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = k === 'type' ? v : deepSafe(v);
    return out as T;
  }
  return value;
}

/** "10:05 UTC" (with the date when not today). */
export function clock(iso: string, now: Date): string {
  return personTime(iso, now, { age: false });
}

/** "35 min", "2 h 10 min", "3 days". */
export function lasted(fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('/');
  return at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at + 1)];
}
