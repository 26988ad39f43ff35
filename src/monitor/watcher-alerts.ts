import type { Logger } from 'pino';
import type { Core } from '../commands/context.js';
import type { Store } from '../store/store.js';
import type { AlertActions, AlertBook, AlertChannel, AlertPosterRegistry, OutboxDelivery, OutboxMessageView } from './contract.js';
import { outboxMessages } from './outbox-view.js';
import type { Clock } from './scheduler-clock.js';
import { configuredChannels, createAlerts } from './wiring.js';

/** The alert side as the watcher uses it: the book, its outbox, and the outbox's messages (dry run). */
export interface WatcherAlerts {
  book: AlertBook;
  outbox: OutboxDelivery;
  /** Where the front ends register their posters (the outbox delivery). */
  posters: AlertPosterRegistry;
  /** Acknowledge, snooze, fix, run now: the buttons and the `alerts` verb. */
  actions: AlertActions;
  messages: () => OutboxMessageView[];
}

/** The dry run's one channel: the messages are written to the outbox and listed, never posted. */
export const DRY_RUN_CHANNEL: AlertChannel = { platform: 'slack', conversationId: 'dry-run' };

/**
 * The alert book, its outbox delivery and the alert desk (the `alerts` verb, the buttons) over the
 * store. `dryRun`: every alert goes to one placeholder channel, so `watch --cycles N` lists what
 * would be posted; nothing has a poster for it.
 */
export function createWatcherAlerts(options: {
  core: Core;
  store: Store;
  logger: Logger;
  clock?: Clock;
  dryRun?: boolean;
  extraChannels?: AlertChannel[];
  runNow?: (tenant: string, checkIds: string[]) => Promise<void>;
}): WatcherAlerts {
  const { core, store, logger, clock } = options;
  const wiring = createAlerts(core, store, {
    logger,
    ...(clock ? { now: () => clock.now() } : {}),
    ...(options.dryRun ? { channelsFor: () => [DRY_RUN_CHANNEL] } : {}),
    ...(!options.dryRun && options.extraChannels
      ? { channelsFor: (tenant: string) => [...configuredChannels(core.config, tenant), ...(options.extraChannels ?? [])] }
      : {}),
    ...(options.runNow ? { runNow: options.runNow } : {}),
  });
  return {
    book: wiring.book,
    outbox: wiring.delivery,
    posters: wiring.delivery,
    actions: wiring.desk,
    messages: () => outboxMessages(store.outbox).map(({ alert, kind, text }) => ({ alert, kind, text })),
  };
}
