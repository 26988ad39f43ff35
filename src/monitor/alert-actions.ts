import type { Message } from '../render/message.js';
import type { AlertRecord, AlertStore } from '../store/alerts.js';
import type { AuditLog } from '../store/audit.js';
import type { StoredAlertBook } from './alert-book.js';
import { clock, safeText } from './alert-message.js';
import type { AlertActions, AlertActor, AlertButton, AlertChannel, AlertClickOutcome } from './contract.js';
import { formatDuration, MAX_SNOOZE_MS } from './duration.js';

export interface AlertDeskOptions {
  book: StoredAlertBook;
  alerts: AlertStore;
  audit: AuditLog;
  now?: () => Date;
  /** Delivers the outbox now (after an ack or snooze rewrote the root). */
  deliver?: () => Promise<unknown>;
  /** Opens the fix flow's plan for a check (through the approval policy), returning its card. */
  requestFix?: (checkId: string, tenant: string, actor: AlertActor) => Promise<Message>;
  /** Runs these checks of the tenant now (the watcher's run; its results come back through `observe`). */
  runNow?: (tenant: string, checkIds: string[]) => Promise<void>;
  /** Why this person may not acknowledge or snooze (`alerts.responders`); undefined when they may. */
  mayRespond?: (actor: AlertActor) => string | undefined;
}

/** What an ack or snooze did: the alert as it is now, or one sentence why nothing changed. */
export type DeskOutcome = { alert: AlertRecord; refusal?: undefined } | { refusal: string; alert?: AlertRecord };

/**
 * Acknowledge, snooze, fix and run — from a button (`click`) or a verb (`alerts ack|snooze`). An
 * ack or snooze is one store transaction: the alert's new state, the audit entry (who and why)
 * and the root's update in the outbox.
 */
export class AlertDesk implements AlertActions {
  readonly #options: AlertDeskOptions;
  readonly #now: () => Date;

  constructor(options: AlertDeskOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** The desk's clock (the verbs show ages against it). */
  now(): Date {
    return this.#now();
  }

  /** Open alerts (pending ones included), oldest first. */
  list(tenant?: string): AlertRecord[] {
    return this.#options.alerts.open(tenant);
  }

  get(id: string): AlertRecord | undefined {
    return this.#options.alerts.get(id);
  }

  acknowledge(id: string, actor: AlertActor, reason: string): DeskOutcome {
    const { alerts, audit, book } = this.#options;
    return alerts.transaction((): DeskOutcome => {
      const alert = alerts.get(id);
      const refusal = refusalFor(alert, id, 'acknowledge', this.#now()) ?? this.#notResponder(alert, actor, 'acknowledge');
      if (refusal || !alert) return { refusal: refusal ?? unknownAlert(id) };
      const now = this.#now();
      const why = safeText(reason);
      alert.ack = { actor, reason: why, at: now.toISOString() };
      alert.snooze = undefined;
      alert.state = 'acknowledged';
      book.saveWithUpdate(alert, now);
      audit.append({
        event: 'alert-acknowledged',
        tenant: alert.tenant,
        checkId: alert.checkId,
        actor,
        details: { alertId: alert.id, reason: why },
      });
      return { alert };
    });
  }

  snooze(id: string, durationMs: number, actor: AlertActor, reason: string): DeskOutcome {
    const { alerts, audit, book } = this.#options;
    if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > MAX_SNOOZE_MS) {
      return { refusal: `A snooze lasts from 1 minute to 7 days, not ${formatDuration(durationMs)}; there is no permanent mute.` };
    }
    return alerts.transaction((): DeskOutcome => {
      const alert = alerts.get(id);
      const refusal = refusalFor(alert, id, 'snooze', this.#now()) ?? this.#notResponder(alert, actor, 'snooze');
      if (refusal || !alert) return { refusal: refusal ?? unknownAlert(id) };
      const now = this.#now();
      const why = safeText(reason);
      const until = new Date(now.getTime() + durationMs).toISOString();
      alert.snooze = { until, reason: why, actor };
      alert.state = 'snoozed';
      book.saveWithUpdate(alert, now);
      audit.append({
        event: 'alert-snoozed',
        tenant: alert.tenant,
        checkId: alert.checkId,
        actor,
        details: { alertId: alert.id, reason: why, until, durationMs },
      });
      return { alert };
    });
  }

  async click(button: AlertButton, actor: AlertActor, _place?: AlertChannel): Promise<AlertClickOutcome> {
    const now = this.#now();
    const idle = Promise.resolve();
    if (button.action === 'acknowledge' || button.action === 'snooze') {
      const reason = button.reason?.trim() || 'no reason given';
      const outcome =
        button.action === 'acknowledge'
          ? this.acknowledge(button.alertId, actor, reason)
          : this.snooze(button.alertId, button.durationMs, actor, reason);
      if (outcome.refusal !== undefined) return { refusal: outcome.refusal, ...this.#rootOf(outcome.alert, now), done: idle };
      return { root: this.#options.book.root(outcome.alert, now), done: this.#deliver() };
    }
    const alert = this.#options.alerts.get(button.alertId);
    if (!alert) return { refusal: unknownAlert(button.alertId), done: idle };
    if (alert.state === 'resolved') return { refusal: resolvedRefusal(alert, now), root: this.#options.book.root(alert, now), done: idle };
    if (button.action === 'fix') {
      if (alert.kind !== 'fail' || !alert.body.result.fixable) {
        return {
          refusal: `\`${alert.checkId}\` has no fix the bot can apply; \`explain ${alert.checkId}\` gives the steps by hand.`,
          done: idle,
        };
      }
      if (!this.#options.requestFix) return { refusal: 'Fixes are approved in chat, where the bot runs with its store.', done: idle };
      const reply = await this.#options.requestFix(alert.checkId, alert.tenant, actor);
      return { reply, done: idle };
    }
    if (!this.#options.runNow)
      return { refusal: 'The watch is not running here, so the check cannot be run from this button.', done: idle };
    const checks = alert.kind === 'error' && alert.body.members.length ? alert.body.members : [alert.checkId];
    const run = this.#options.runNow(alert.tenant, checks).then(() => this.#deliver());
    return {
      reply: {
        summary: `Running ${checks.map((c) => `\`${c}\``).join(', ')} for ${alert.tenant} now; the alert follows the result.`,
        tone: 'info',
        blocks: [],
      },
      done: run,
    };
  }

  /** The responders' refusal, audited (who tried what on which alert); undefined when this person may. */
  #notResponder(alert: AlertRecord | undefined, actor: AlertActor, action: 'acknowledge' | 'snooze'): string | undefined {
    const denied = alert ? this.#options.mayRespond?.(actor) : undefined;
    if (!alert || !denied) return undefined;
    this.#options.audit.append({
      event: 'refused',
      tenant: alert.tenant,
      checkId: alert.checkId,
      actor,
      details: { alertId: alert.id, action, reason: denied },
    });
    return `You may not ${action} ${alert.id}: ${denied}.`;
  }

  /** Delivers the outbox now (after a verb changed an alert); a failure waits for the next delivery pass. */
  deliverSoon(): Promise<void> {
    return this.#deliver().catch(() => undefined);
  }

  #rootOf(alert: AlertRecord | undefined, now: Date): { root?: Message } {
    return alert ? { root: this.#options.book.root(alert, now) } : {};
  }

  #deliver(): Promise<void> {
    return this.#options.deliver ? this.#options.deliver().then(() => undefined) : Promise.resolve();
  }
}

function refusalFor(alert: AlertRecord | undefined, id: string, action: 'acknowledge' | 'snooze', now: Date): string | undefined {
  if (!alert) return unknownAlert(id);
  if (alert.state === 'resolved') return resolvedRefusal(alert, now);
  if (alert.state === 'pending') {
    return `Alert ${alert.id} is not confirmed yet (it failed once and has not been posted); there is nothing to ${action} until it fires.`;
  }
  return undefined;
}

function unknownAlert(id: string): string {
  return `There is no alert ${safeText(id.slice(0, 40))}: it may come from another bot, or the id is mistyped; \`alerts\` lists the open ones.`;
}

function resolvedRefusal(alert: AlertRecord, now: Date): string {
  return `Alert ${alert.id} was resolved${alert.resolvedAt ? ` at ${clock(alert.resolvedAt, now)}` : ''}; nothing was changed.`;
}
