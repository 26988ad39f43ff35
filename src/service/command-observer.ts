import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { commandVerb } from '../chat/front-end.js';
import type { CommandContext, Core } from '../commands/context.js';
import { COMMANDS } from '../commands/dispatch.js';
import type { TenantConfig } from '../config/schema.js';
import type { Message } from '../render/message.js';
import type { Metrics } from './metrics.js';
import { runObserver } from './run-observer.js';

export type CommandHandler = (text: string, ctx: CommandContext) => Promise<Message>;

/** What a command came to, for metrics and logs: a closed set. */
export type CommandOutcome = 'ok' | 'failing' | 'usage' | 'error';

export interface CommandObserverOptions {
  metrics: Metrics;
  logger: Logger;
  /** A fresh id per command (tests pass their own). */
  newRunId?: () => string;
}

/**
 * Wraps the command handler so that every command gets a run id and a child logger carrying it,
 * its outside reads and report are observed (metrics; a log line per failed read), and it ends in
 * one JSON line: who, verb, tenant, duration, outcome. The command text itself is not logged
 * (arguments are free text); the verb is logged only when it is one of ours.
 */
export function observeCommands(handle: CommandHandler, options: CommandObserverOptions): CommandHandler {
  const newRunId = options.newRunId ?? (() => randomUUID());
  const verbs = new Set(COMMANDS.map((c) => c.verb));
  return async (text, ctx) => {
    const runId = newRunId();
    const spoken = commandVerb(text);
    const verb = verbs.has(spoken) ? spoken : 'unknown';
    const logger = options.logger.child({ runId });
    let tenant: string | undefined;
    const core: Core = {
      ...ctx.core,
      tenant(name?: string): TenantConfig {
        const found = ctx.core.tenant(name);
        tenant = found.name;
        return found;
      },
      observer: runObserver({ metrics: options.metrics, logger, kind: verb === 'status' ? 'status' : 'check' }),
    };
    const started = performance.now();
    let outcome: CommandOutcome = 'error';
    try {
      const reply = await handle(text, { ...ctx, core });
      outcome = commandOutcome(reply);
      return reply;
    } finally {
      const durationMs = Math.round(performance.now() - started);
      options.metrics.commands.inc({ verb, outcome });
      options.metrics.commandDuration.observe({ verb }, durationMs / 1000);
      logger.info(
        { actor: { platform: ctx.actor.platform, userId: ctx.actor.userId }, verb, tenant, durationMs, outcome },
        `command ${verb} ${outcome}`,
      );
    }
  };
}

export function commandOutcome(reply: Message): CommandOutcome {
  if (reply.ephemeral) return 'usage';
  if (reply.tone === 'error') return 'error';
  if (reply.tone === 'bad') return 'failing';
  return 'ok';
}
