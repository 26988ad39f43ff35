import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { redact } from '../../config/secret.js';
import { type AlertChannel, type AlertPoster, DeliveryError, type PostedRef, type PostOptions } from '../../monitor/contract.js';
import { type AdaptiveCard, renderCards } from '../../render/cards.js';
import type { Message } from '../../render/message.js';
import type { ChatStore } from '../../store/store.js';
import { redactDeep } from '../front-end.js';
import { activityFor } from './teams-reply.js';
import { threadOf as threadReference } from './thread-reference.js';

/** The store's conversation references (the real store has them; a test's fake may not). */
export type StoredReferences = ChatStore & {
  conversationRef?(platform: 'teams', conversationId: string): { reference: Record<string, unknown> } | undefined;
};

/**
 * Posts alerts to Teams proactively, through the conversation reference stored when the bot was
 * installed there: the root as a new message in the channel (a new thread), follow-ups as replies
 * in the root's thread (channel conversation id `…;messageid=<root id>`), state changes with
 * `updateActivity`. Failures become `DeliveryError`s the outbox can act on.
 */
export class TeamsAlertPoster implements AlertPoster {
  readonly #adapter: CloudAdapter;
  readonly #appId: string;
  readonly #store: StoredReferences;

  constructor(adapter: CloudAdapter, appId: string, store: StoredReferences) {
    this.#adapter = adapter;
    this.#appId = appId;
    this.#store = store;
  }

  async post(channel: AlertChannel, message: Message, options: PostOptions = {}): Promise<PostedRef> {
    const reference = this.#reference(channel.conversationId);
    const [first, ...rest] = renderCards(redactDeep(message)).cards;
    const threadOf = options.thread?.messageId;
    const id = await this.#send(reference, threadOf, message, first as AdaptiveCard);
    // A message too big for one card: the rest follow in the thread (the root's own, or the one replied in).
    for (const card of rest) await this.#send(reference, threadOf ?? id, message, card);
    return { platform: 'teams', conversationId: channel.conversationId, messageId: id };
  }

  async update(ref: PostedRef, message: Message): Promise<void> {
    const reference = this.#reference(ref.conversationId);
    const [card] = renderCards(redactDeep(message)).cards;
    await this.#continue(reference, async (context) => {
      await context.updateActivity({ ...activityFor(message, card as AdaptiveCard), id: ref.messageId });
    });
  }

  /** Sends one card: a new message in the conversation, or (with `threadOf`) a reply in that message's thread. */
  async #send(
    reference: Partial<ConversationReference>,
    threadOf: string | undefined,
    message: Message,
    card: AdaptiveCard,
  ): Promise<string> {
    const inThread = threadOf ? threadReference(reference, threadOf) : reference;
    let id = '';
    await this.#continue(inThread, async (context) => {
      // botbuilder replies to the turn's activity id: the root's id for a thread reply, none for a new message.
      context.activity.id = threadOf as string;
      const sent = await context.sendActivity(activityFor(message, card));
      id = sent?.id ?? '';
    });
    if (!id)
      throw new DeliveryError('Teams accepted the alert but gave no message id, so it cannot be updated later.', { permanent: true });
    return id;
  }

  #reference(conversationId: string): Partial<ConversationReference> {
    const stored = this.#store.conversationRef?.('teams', conversationId);
    if (!stored) {
      throw new DeliveryError(
        `mailsetup has no stored Teams conversation for ${conversationId}, so it cannot post alerts there: install the bot in that team (or remove and re-add it to the channel), then check tenants[].alerts.teams.`,
        { permanent: true },
      );
    }
    return stored.reference as Partial<ConversationReference>;
  }

  async #continue(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    // A failure inside the turn is kept here: thrown out of it, the adapter's onTurnError would take
    // it and post an error message into the alert channel.
    let failure: unknown;
    try {
      await this.#adapter.continueConversationAsync(this.#appId, reference, async (context) => {
        withoutSdkRetries(context.turnState.get(this.#adapter.ConnectorClientKey));
        await logic(context).catch((error: unknown) => {
          failure = error;
        });
      });
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) throw failure instanceof DeliveryError ? failure : teamsDeliveryError(failure);
  }
}

/**
 * botbuilder's connector client (Azure core-client) retries 429 and 5xx itself, up to 3 times,
 * sleeping out each Retry-After. For alerts the outbox owns the retries (they survive a restart and
 * do not hold up other deliveries), so this turn's client — a fresh one per proactive turn — drops
 * that policy. Should botbuilder's internals change, this does nothing and the SDK's retries stay.
 */
function withoutSdkRetries(connectorClient: unknown): void {
  const pipeline = (connectorClient as { client?: { pipeline?: { removePolicy?(options: { name: string }): unknown } } } | undefined)
    ?.client?.pipeline;
  pipeline?.removePolicy?.({ name: 'defaultRetryPolicy' });
}

/** A failed Bot Connector call as a `DeliveryError`: 429 and 5xx are retried (after Retry-After), other refusals are not. */
export function teamsDeliveryError(error: unknown): DeliveryError {
  const e = error as {
    statusCode?: number;
    response?: { headers?: { get?(name: string): string | undefined } | Record<string, string> };
    message?: string;
  };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const headers = e?.response?.headers;
  const raw =
    typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  const seconds = raw === undefined ? Number.NaN : Number.parseInt(String(raw), 10);
  const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  if (status === 429) {
    return new DeliveryError(`Teams is throttling the bot${retryAfterMs === undefined ? '' : ` (retry in ${seconds} s)`}.`, {
      retryAfterMs,
      cause: error,
    });
  }
  if (status !== undefined && (status >= 500 || status === 408)) {
    return new DeliveryError(`The Bot Connector answered HTTP ${status}; the alert will be sent again.`, { retryAfterMs, cause: error });
  }
  if (status === 401 || status === 403) {
    return new DeliveryError(
      `The Bot Connector refused the bot (HTTP ${status}): check teams.appId and teams.appPassword, and that the bot is still in that team.`,
      { permanent: true, cause: error },
    );
  }
  if (status === 404) {
    return new DeliveryError('Teams no longer has that conversation or message (HTTP 404): the bot may have been removed from the team.', {
      permanent: true,
      cause: error,
    });
  }
  if (status !== undefined)
    return new DeliveryError(`The Bot Connector refused the alert (HTTP ${status}).`, { permanent: true, cause: error });
  const reason = redact(e?.message ?? String(error)).split('\n')[0];
  return new DeliveryError(`The Bot Connector could not be reached (${reason}); the alert will be sent again.`, { cause: error });
}
