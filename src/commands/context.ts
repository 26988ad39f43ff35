import type { Adapters } from '../adapters/index.js';
import type { FixApprovals } from '../approvals/service.js';
import type { MailsetupConfig, TenantConfig } from '../config/schema.js';
import type { CheckDefinition } from '../engine/check.js';
import type { RunObserver } from '../engine/observer.js';
import type { Report } from '../engine/result.js';
import type { AlertDesk } from '../monitor/alert-actions.js';
import type { WatchControl } from '../monitor/watch-control.js';
import type { Message } from '../render/message.js';
import type { AuditLog } from '../store/audit.js';

/** Who asked, on which platform; ids are the platform's own (Slack user id, Entra object id). */
export interface Actor {
  platform: 'console' | 'cli' | 'slack' | 'teams';
  userId: string;
  displayName?: string;
}

/** What commands need from the running bot (built by the composition root, `app.ts`). */
export interface Core {
  config: MailsetupConfig;
  catalogue: readonly CheckDefinition[];
  /** The tenant by name; the only one when there is one. Throws a UsageError naming the choices. */
  tenant(name?: string): TenantConfig;
  adapters(tenant: TenantConfig): Adapters;
  /** The last status report per tenant (App Home, `watch` later). */
  lastReports: Map<string, Report>;
  /** Told of each outside read and each finished report (the service's metrics and logs). */
  observer?: RunObserver;
  /** The approval-gated fix flow, when the bot runs with a store (chat); absent, `fix` is a dry run. */
  approvals?: FixApprovals;
  /** The append-only audit log (`history`, refused commands), when the bot runs with a store. */
  audit?: AuditLog;
  /** The scheduled watch (`watch`): its schedule, runs and pauses, when the store is at hand. */
  watch?: WatchControl;
  /** Open alerts, ack and snooze (`alerts`), when the bot runs with a store and the watch. */
  alerts?: AlertDesk;
}

/** Where a chat command was typed, as the platform says (for `access`). Absent in the CLI and the console. */
export interface CommandPlace {
  /** Slack channel id; Teams conversation id (a channel thread's message id dropped). */
  channelId?: string;
  /** Teams: the team the channel belongs to. */
  teamId?: string;
  /** A DM or personal chat with the bot. */
  personal?: boolean;
}

export interface CommandContext {
  core: Core;
  actor: Actor;
  place?: CommandPlace;
  /** Receives progress versions of the reply (front ends update the message in place). */
  update?: (message: Message) => void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * Hands a progress version of the reply to the front end, if it takes them: built only then, not
 * awaited, and a failed update never fails the command.
 */
export function sendProgress(ctx: CommandContext, build: () => Message): void {
  if (ctx.update) void Promise.resolve(ctx.update(build())).catch(() => {});
}

/** One verb: parse its arguments, run, return the final reply. */
export interface CommandSpec {
  verb: string;
  summary: string;
  usage: string;
  examples: string[];
  run(args: string[], ctx: CommandContext): Promise<Message>;
}
