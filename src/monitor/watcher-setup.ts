import type { Logger } from 'pino';
import type { Core } from '../commands/context.js';
import type { BotService } from '../service/bot-service.js';
import type { Store } from '../store/store.js';
import type { AlertBook, AlertChannel, OutboxMessageView } from './contract.js';
import type { Clock } from './scheduler-clock.js';
import type { WatchControl } from './watch-control.js';
import { LastWatchRuns } from './watch-last-runs.js';
import { WatchPauses } from './watch-pauses.js';
import { WatchRunnerRecord } from './watch-runner.js';
import { Watcher } from './watcher.js';
import { createWatcherAlerts, type WatcherAlerts } from './watcher-alerts.js';

export interface WatchSetupOptions {
  core: Core;
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** The running bot: metrics, the per-run log lines, the heartbeat. */
  service?: BotService;
  /** A dry run (`watch --cycles N`): alerts go to a placeholder channel, the outbox is listed, never delivered. */
  dryRun?: boolean;
  /** Tests: an alert book of their own instead of the store's. */
  book?: AlertBook;
  /** Channels every tenant's alerts also go to (the console the bot runs in). */
  extraChannels?: AlertChannel[];
}

export interface WatchSetup {
  watcher: Watcher;
  alerts: WatcherAlerts;
  control: WatchControl;
  /** What the outbox holds, for the dry run's `messages`. */
  messages(): OutboxMessageView[];
}

/** The watcher over the store: pauses and last runs in `kv`, audit, the service's hooks. */
export function setUpWatch(options: WatchSetupOptions): WatchSetup {
  const { core, store, logger, service } = options;
  const pauses = new WatchPauses({ records: store, audit: store.audit, ...(options.clock ? { now: () => options.clock!.now() } : {}) });
  const lastRuns = new LastWatchRuns(store);
  let watcher: Watcher | undefined;
  const alerts = createWatcherAlerts({
    core,
    store,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.extraChannels ? { extraChannels: options.extraChannels } : {}),
    runNow: (tenant, checkIds) => watcher?.runNow(tenant, checkIds) ?? Promise.resolve(),
  });
  watcher = new Watcher({
    core,
    book: options.book ?? alerts.book,
    ...(options.dryRun ? {} : { outbox: alerts.outbox }),
    pauses,
    lastRuns,
    ...(options.dryRun ? {} : { runner: new WatchRunnerRecord(store, () => options.clock?.now() ?? new Date()) }),
    logger: logger.child({ component: 'watch' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(service ? { metrics: service.metrics, events: service.events, heartbeat: service.scheduler(core.config.watch.every) } : {}),
  });
  const control: WatchControl = {
    config: core.config.watch,
    running: true,
    pauses,
    tenants: (now) => watcher.tenants(now),
    now: () => options.clock?.now() ?? new Date(),
  };
  return { watcher, alerts, control, messages: () => alerts.messages() };
}

/** The `watch` verb's view from a process that does not run the watch (the CLI): pauses and last runs. */
export function storedWatchControl(core: Core, store: Store): WatchControl {
  const pauses = new WatchPauses({ records: store, audit: store.audit });
  const lastRuns = new LastWatchRuns(store);
  return {
    config: core.config.watch,
    running: false,
    pauses,
    now: () => new Date(),
    tenants: (now = new Date()) =>
      core.config.tenants.map(({ name }) => {
        const last = lastRuns.last(name);
        const pause = pauses.active(name, now);
        return { tenant: name, ...(last ? { last } : {}), ...(pause ? { pause } : {}) };
      }),
  };
}
