import type { Logger } from 'pino';
import { createApprovals } from './approvals/wiring.js';
import { CONSOLE_CHANNEL, ConsoleAlertPoster } from './chat/console/alert-printer.js';
import { runConsole } from './chat/console/console.js';
import type { ChatCommandHandler } from './chat/front-end.js';
import type { Core } from './commands/context.js';
import { handleCommand } from './commands/dispatch.js';
import { parseConfig } from './config/load.js';
import type { MailsetupConfig } from './config/schema.js';
import { createCore } from './core.js';
import { createLogger } from './log.js';
import { setUpWatch, storedWatchControl, type WatchSetup } from './monitor/watcher-setup.js';
import { BotService } from './service/bot-service.js';
import { observeCommands } from './service/command-observer.js';
import { startChatFrontEnds } from './service/front-ends.js';
import type { Metrics } from './service/metrics.js';
import { Store } from './store/store.js';

/**
 * The composition root: builds adapters, core and front ends from config. Nothing global: every
 * piece gets what it needs through its constructor.
 */
export interface App {
  core: Core;
  logger: Logger;
  store: Store;
  /** The HTTP listener, probes, metrics and the hooks other parts call (scheduler, flush, events). */
  service: BotService;
  /** Where things listen, once started: the HTTP listener, and Slack/Teams when they have a port of their own. */
  ports: { http: number; slack?: number; teams?: number };
  /** Graceful: readiness 503, no new commands, running ones finish or are aborted, flush, close. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: MailsetupConfig;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  /** Run the console channel (always in lab mode; with a real config when stdin is a terminal or no chat is configured). */
  console: boolean;
  /** Lines the console answers itself before the chat verbs (the lab's `lab scenario` when it runs the lab). */
  consoleLine?: (text: string) => string | undefined;
  logger?: Logger;
  metrics?: Metrics;
}

export async function startApp(options: StartOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.log.level);
  const store = Store.open(config.store.path);
  const core = createCore({ config, logger, store });
  const service = new BotService({ http: config.http, graceSeconds: config.shutdown.graceSeconds, logger, metrics: options.metrics });
  service.readiness('store', () => (store.isOpen ? undefined : 'the store is closed'));
  const dispatch = service.gate.wrap(
    observeCommands(
      (text, ctx) =>
        handleCommand(text, ctx, { onInternalError: (reference, error) => logger.error({ reference, err: error }, 'command failed') }),
      { metrics: service.metrics, logger },
    ),
  );
  const approvals = createApprovals(core, store, logger);
  // The alerts (book, outbox, desk) always; the watch runs when the config has a `watch` section
  // (the lab's has one). Issue 11.
  const watching = config.watch.enabled;
  // With the console running, alerts print there too (the lab demo: break the rule, see the alert).
  const watch: WatchSetup = setUpWatch({
    core,
    store,
    logger,
    ...(watching ? { service } : {}),
    ...(options.console ? { extraChannels: [CONSOLE_CHANNEL] } : {}),
  });
  if (options.console) watch.alerts.posters.setPoster('console', new ConsoleAlertPoster(options.output));
  core.watch = watching ? watch.control : storedWatchControl(core, store);
  // At SIGTERM, after the last command: the runs finish (or are aborted at the grace), the outbox is delivered.
  service.onFlush('watch', () => watch.watcher.stop(config.shutdown.graceSeconds * 1000));
  const alerts = {
    click: watch.alerts.actions.click.bind(watch.alerts.actions),
    setPoster: watch.alerts.posters.setPoster.bind(watch.alerts.posters),
  };
  const bound: ChatCommandHandler = (text, ctx) => dispatch(text, { ...ctx, core });
  let frontEnds: Awaited<ReturnType<typeof startChatFrontEnds>> = { stop: async () => {}, ports: {} };
  let http: { port: number };
  try {
    frontEnds = await startChatFrontEnds({ config, handleCommand: bound, store, approvals, alerts, logger, service });
    http = await service.start();
    // Interrupted plans are marked, expired cards rewritten, and the sweep runs every minute.
    await approvals.start();
    if (watching) watch.watcher.start();
  } catch (error) {
    await watch.watcher.stop();
    await frontEnds.stop();
    await approvals.stop();
    await service.stop();
    store.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await service.drain();
    await frontEnds.stop();
    await approvals.stop();
    await service.stop();
    store.close();
    logger.info('stopped');
  };
  const app: App = {
    core,
    logger,
    store,
    service,
    ports: { http: http.port, ...frontEnds.ports },
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
  if (options.console) {
    await runConsole({
      core,
      handleCommand: dispatch,
      input: options.input,
      output: options.output,
      interactive: options.interactive,
      ownLine: options.consoleLine,
    });
  }
  return app;
}

export { parseConfig };
