import type { PlanActor } from '../approvals/plan.js';
import type { Message } from '../render/message.js';

/**
 * What the watch (scheduler, alert store, outbox) and the chat front ends agree on. The watch side
 * decides what to say and when; a front end only posts, updates and translates button clicks.
 */

/** `fail`: the setup is wrong. `error`: the bot cannot check (sign-in refused, ERP down). Separate alerts. */
export type AlertKind = 'fail' | 'error';

/** ok → pending → firing → acknowledged | snoozed → resolved (DESIGN §6, issue 11). */
export type AlertState = 'pending' | 'firing' | 'acknowledged' | 'snoozed' | 'resolved';

/**
 * A place alerts go: a Slack channel id, or a Teams conversation id whose reference was stored on
 * install; `console` is the terminal the bot runs in (the lab demo, a console beside real chat).
 */
export interface AlertChannel {
  platform: 'slack' | 'teams' | 'console';
  conversationId: string;
}

/** A posted message: Slack channel + ts; Teams conversation id + activity id. */
export interface PostedRef {
  platform: AlertChannel['platform'];
  conversationId: string;
  messageId: string;
}

export interface PostOptions {
  /** Reply in this root message's thread. */
  thread?: PostedRef;
  /** A thread reply that is also shown in the channel (Slack `reply_broadcast`; Teams ignores it). */
  broadcast?: boolean;
}

/**
 * How one chat platform delivers alert messages. Implementations throw `DeliveryError` so the
 * outbox knows whether to retry and when.
 */
export interface AlertPoster {
  post(channel: AlertChannel, message: Message, options?: PostOptions): Promise<PostedRef>;
  update(ref: PostedRef, message: Message): Promise<void>;
}

/** A failed delivery: retried after `retryAfterMs` (429 Retry-After) or with backoff, unless permanent. */
export class DeliveryError extends Error {
  readonly retryAfterMs: number | undefined;
  /** Retrying cannot help (channel not found, bot not in channel, no stored Teams reference). */
  readonly permanent: boolean;
  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/** Who clicked, taken from the platform's verified payload (never from the button's value). */
export type AlertActor = PlanActor;

/** The alert buttons. Snooze carries its duration; ack and snooze carry the reason typed with them. */
export type AlertButton =
  | { action: 'acknowledge'; alertId: string; reason?: string }
  | { action: 'snooze'; alertId: string; durationMs: number; reason?: string }
  | { action: 'fix'; alertId: string }
  | { action: 'run'; alertId: string };

export interface AlertClickOutcome {
  /** Shown only to the clicker (unknown alert, already resolved, not allowed, bad duration). */
  refusal?: string;
  /** The alert's root message as it stands after the click (rewrite the clicked card with it). */
  root?: Message;
  /** A reply for the clicker or the thread: the fix plan's card, the fresh check result. */
  reply?: Message;
  /** Work after the click (a re-run, outbox delivery); resolves when it is done. */
  done: Promise<void>;
}

/** What the front ends call when an alert button is clicked. */
export interface AlertActions {
  click(button: AlertButton, actor: AlertActor, place: AlertChannel): Promise<AlertClickOutcome>;
}

/** Where the watch registers each platform's poster once its front end has started. */
export interface AlertPosterRegistry {
  setPoster(platform: AlertChannel['platform'], poster: AlertPoster): void;
}

/** The snooze durations the buttons offer (the verb takes any duration up to 7 days). */
export const SNOOZE_CHOICES_MS = [60 * 60_000, 4 * 60 * 60_000, 24 * 60 * 60_000] as const;

// ---- The seam between the watcher (scheduler, runs) and the alert book (policy, store, outbox) ----

/** One watch run of one tenant: the engine's results for the watched checks (or why the run failed). */
export interface TenantObservation {
  tenant: string;
  /** When the run finished (the injected clock's time). */
  at: Date;
  /** The watch cycle number, 1-based (for `watch --cycles N --json`). */
  cycle: number;
  /** The watched checks' results (the engine's `CheckResult`s, dependents and skips included). */
  results: import('../engine/result.js').CheckResult[];
  /** Set when the whole run was aborted (deadline) or could not start: it counts as `error` for the tenant. */
  runError?: string;
}

/** One state change of one alert, as `watch --json` prints it. `ok` is "no alert". */
export interface AlertTransition {
  alertId: string;
  tenant: string;
  checkId: string;
  kind: AlertKind;
  from: AlertState | 'ok';
  to: AlertState | 'ok';
  cycle: number;
}

/** A message the outbox holds or delivered, as `watch --json` prints it. */
export interface OutboxMessageView {
  alert: string;
  kind: 'root' | 'update' | 'thread';
  text: string;
}

/**
 * The alert policy over the store: one call per finished tenant run. It moves each alert's state
 * machine, and in the same store transaction writes the messages to send into the outbox.
 */
export interface AlertBook {
  observe(observation: TenantObservation): AlertTransition[];
  /** Snoozes that expired while still failing re-notify; called at the start of every cycle. */
  tick(now: Date): AlertTransition[];
}

/** Delivers what the outbox holds: posts, updates, thread replies; retries 429/5xx; marks sent. */
/** What one delivery pass did; `heldBy` when another process was delivering and this pass sent nothing. */
export interface DeliveryCounts {
  sent: number;
  failed: number;
  waiting: number;
  heldBy?: { host: string; pid: number };
}

export interface OutboxDelivery {
  /** Delivers every due message once (those with a future retry time stay); resolves when done. */
  deliverDue(): Promise<DeliveryCounts>;
}
