import type { Logger } from 'pino';
import type { MailsetupConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { AlertBook, OutboxDelivery, OutboxMessageView } from './contract.js';
import type { Clock } from './scheduler-clock.js';

/** The alert side as the watcher uses it: the book, its outbox, and the outbox's messages (dry run). */
export interface WatcherAlerts {
  book: AlertBook;
  outbox?: OutboxDelivery;
  messages?: () => OutboxMessageView[];
}

/**
 * SEAM (issue 11): the alert book over the store comes from the `watch` branch (AlertBook,
 * OutboxDelivery); until it is merged, the watcher runs with a book that opens no alert.
 */
export function createWatcherAlerts(_options: { config: MailsetupConfig; store: Store; logger: Logger; clock?: Clock }): WatcherAlerts {
  return { book: { observe: () => [], tick: () => [] }, messages: () => [] };
}
