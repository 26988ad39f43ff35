import type { Adapters } from '../adapters/index.js';
import type { MailsetupConfig, TenantConfig } from '../config/schema.js';
import type { CheckDefinition } from '../engine/check.js';
import type { RunObserver } from '../engine/observer.js';
import type { Report } from '../engine/result.js';
import type { Message } from '../render/message.js';

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
}

export interface CommandContext {
  core: Core;
  actor: Actor;
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
