import type { Logger } from 'pino';
import { createApprovals } from './approvals/wiring.js';
import { runConsole } from './chat/console/console.js';
import type { ChatCommandHandler } from './chat/front-end.js';
import { SlackBot } from './chat/slack/slack-bot.js';
import { TeamsBot } from './chat/teams/teams-bot.js';
import type { Core } from './commands/context.js';
import { handleCommand } from './commands/dispatch.js';
import { parseConfig } from './config/load.js';
import type { MailsetupConfig } from './config/schema.js';
import { createCore } from './core.js';
import { createLogger } from './log.js';
import { Store } from './store/store.js';

/**
 * The composition root: builds adapters, core and front ends from config. Nothing global: every
 * piece gets what it needs through its constructor.
 */
export interface App {
  core: Core;
  logger: Logger;
  /** Where the HTTP front ends listen (Slack HTTP mode, Teams), once started. */
  ports: { slack?: number; teams?: number };
  stop(): Promise<void>;
}

export interface StartOptions {
  config: MailsetupConfig;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  /** Run the console channel (always in lab mode; with a real config when stdin is a terminal or no chat is configured). */
  console: boolean;
  logger?: Logger;
}

export async function startApp(options: StartOptions): Promise<App> {
  const logger = options.logger ?? createLogger(options.config.log.level);
  const core = createCore({ config: options.config, logger });
  const dispatch = (text: string, ctx: Parameters<typeof handleCommand>[1]) =>
    handleCommand(text, ctx, { onInternalError: (reference, error) => logger.error({ reference, err: error }, 'command failed') });
  const stops: (() => Promise<void>)[] = [];
  const ports: App['ports'] = {};
  stops.push(...(await startChatFrontEnds(options.config, core, dispatch, logger, ports)));
  if (options.console) {
    await runConsole({ core, handleCommand: dispatch, input: options.input, output: options.output, interactive: options.interactive });
  }
  return {
    core,
    logger,
    ports,
    stop: async () => {
      await Promise.allSettled(stops.map((s) => s()));
    },
  };
}

/** Starts Slack and/or Teams when configured; returns their stop functions (the store closes last). */
async function startChatFrontEnds(
  config: MailsetupConfig,
  core: Core,
  dispatch: (text: string, ctx: Parameters<typeof handleCommand>[1]) => ReturnType<typeof handleCommand>,
  logger: Logger,
  ports: App['ports'],
): Promise<(() => Promise<void>)[]> {
  if (!config.slack && !config.teams) return [];
  const store = Store.open(config.store.path);
  const approvals = createApprovals(core, store, logger);
  const bound: ChatCommandHandler = (text, ctx) => dispatch(text, { ...ctx, core });
  const stops: (() => Promise<void>)[] = [];
  try {
    if (config.slack) {
      const slack = new SlackBot({ config, handleCommand: bound, store, approvals, logger: logger.child({ frontEnd: 'slack' }) });
      ports.slack = (await slack.start()).port;
      stops.push(() => slack.stop());
      logger.info({ mode: config.slack.mode }, 'Slack front end started');
    }
    if (config.teams) {
      const teams = new TeamsBot({ config, handleCommand: bound, store, approvals, logger: logger.child({ frontEnd: 'teams' }) });
      ports.teams = (await teams.start()).port;
      stops.push(() => teams.stop());
      logger.info({ port: config.teams.port }, 'Teams front end started (/api/messages)');
    }
    // Interrupted plans are marked, expired cards rewritten, and the sweep runs every minute.
    await approvals.start();
  } catch (error) {
    await Promise.allSettled(stops.map((s) => s()));
    store.close();
    throw error;
  }
  return [
    async () => {
      await Promise.allSettled(stops.map((s) => s()));
      await approvals.stop();
      store.close();
    },
  ];
}

export { parseConfig };
