import type { Logger } from 'pino';
import { responderRefusal } from '../approvals/policy.js';
import type { Core } from '../commands/context.js';
import type { MailsetupConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { AlertDesk } from './alert-actions.js';
import { StoredAlertBook } from './alert-book.js';
import type { AlertChannel } from './contract.js';
import { StoredOutboxDelivery } from './outbox-delivery.js';

export interface AlertsWiringOptions {
  logger: Logger;
  now?: () => Date;
  /** Where a tenant's alerts go; default: `tenants[].alerts`, else `alerts.default`. */
  channelsFor?: (tenant: string) => AlertChannel[];
  /** The watcher's "run these checks now" (the Run check now button). */
  runNow?: (tenant: string, checkIds: string[]) => Promise<void>;
}

export interface AlertsWiring {
  book: StoredAlertBook;
  delivery: StoredOutboxDelivery;
  desk: AlertDesk;
}

/**
 * Builds the alert book, its outbox delivery and the ack/snooze/fix/run desk on the bot's store,
 * and hands the desk to the command layer (`alerts`). The chat front ends register their posters
 * on `delivery` (an AlertPosterRegistry) and send button clicks to `desk.click`.
 */
export function createAlerts(core: Core, store: Store, options: AlertsWiringOptions): AlertsWiring {
  const { config } = core;
  const now = options.now ?? (() => new Date());
  const book = new StoredAlertBook({
    alerts: store.alerts,
    outbox: store.outbox,
    channelsFor: options.channelsFor ?? ((tenant) => configuredChannels(config, tenant)),
    catalogue: core.catalogue,
    failuresToOpen: config.alerts.failuresToOpen,
    passesToResolve: config.alerts.passesToResolve,
    domainOf: (tenant) => config.tenants.find((t) => t.name === tenant)?.domain,
  });
  const delivery = new StoredOutboxDelivery({ outbox: store.outbox, now, logger: options.logger });
  const desk = new AlertDesk({
    book,
    alerts: store.alerts,
    audit: store.audit,
    now,
    deliver: () => delivery.deliverDue(),
    // Looked up at click time: the fix flow may be wired after the alerts.
    requestFix: async (checkId, tenant, actor) =>
      core.approvals
        ? core.approvals.request(checkId, tenant, actor)
        : { summary: 'Fixes are approved in chat, where the bot runs with its store.', tone: 'info', blocks: [], ephemeral: true },
    ...(options.runNow ? { runNow: options.runNow } : {}),
    // The fix flow, when wired, holds the brief cache of Slack user groups that the list may name.
    mayRespond: (actor) => responderRefusal(config.alerts.responders, actor, core.approvals?.groupsOf(actor).groups ?? []),
  });
  core.alerts = desk;
  return { book, delivery, desk };
}

/** `tenants[].alerts` when the tenant has it, else `alerts.default`. */
export function configuredChannels(config: MailsetupConfig, tenant: string): AlertChannel[] {
  const own = config.tenants.find((t) => t.name === tenant)?.alerts;
  const lists = own ?? config.alerts.default;
  if (!lists) return [];
  return [
    ...lists.slack.map((conversationId) => ({ platform: 'slack' as const, conversationId })),
    ...lists.teams.map((conversationId) => ({ platform: 'teams' as const, conversationId })),
  ];
}
