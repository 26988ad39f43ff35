import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { CardRef } from '../../approvals/plan.js';
import type { CardPublisher, FixApprovals } from '../../approvals/service.js';
import { redact } from '../../config/secret.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard, renderCards } from '../../render/cards.js';
import type { Message } from '../../render/message.js';
import type { ChatStore } from '../../store/store.js';
import { redactDeep } from '../front-end.js';
import { activityFor, type TeamsReply } from './teams-reply.js';
import { threadOf } from './thread-reference.js';

/** What the Teams front end needs of the fix flow. */
export type TeamsApprovals = Pick<FixApprovals, 'decide' | 'cardPosted' | 'setPublisher' | 'card'>;

/** The store's conversation references (the real store has them; a test's fake may not). */
type StoredReferences = ChatStore & {
  conversationRef?(platform: 'teams', conversationId: string): { reference: Record<string, unknown> } | undefined;
};

const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

/**
 * The plan card's buttons in Teams. `Action.Execute` arrives as the invoke `adaptiveCard/action`
 * and is answered with the updated card (or, for a refusal, a message only the clicker sees); the
 * `refresh` verb gives an approver the live card. `Action.Submit` (older clients) arrives as a
 * message with the button's data. Who clicked is the JWT-validated activity's `from.aadObjectId`.
 */
export class TeamsPlanActions {
  readonly #approvals: TeamsApprovals;
  readonly #track: (work: Promise<void>) => void;

  constructor(approvals: TeamsApprovals, track: (work: Promise<void>) => void) {
    this.#approvals = approvals;
    this.#track = track;
  }

  async cardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const planId = planIdIn(value.action?.data);
    const verb = value.action?.verb;
    if (!planId) return messageResponse('That button does not name a fix plan.');
    if (verb === 'refresh') {
      const card = this.#approvals.card(planId);
      return card ? cardResponse(card) : messageResponse('There is no such fix plan.');
    }
    if (verb !== 'approve' && verb !== 'reject') return messageResponse('That button does nothing in this version of mailsetup.');
    const actor = actorOf(context);
    if (!actor) return messageResponse('Teams did not say who clicked, so the click cannot count.');
    const outcome = this.#approvals.decide(planId, verb, actor, { answersWithCard: true });
    // The work after the answer (apply, re-check) rewrites the card with updateActivity.
    this.#track(outcome.done);
    if (outcome.refusal && outcome.state !== 'expired') return messageResponse(outcome.refusal);
    return outcome.card ? cardResponse(outcome.card) : messageResponse(outcome.refusal ?? 'Done.');
  }

  async submit(context: TurnContext, value: unknown): Promise<boolean> {
    const data = value as { verb?: unknown } | null;
    const planId = planIdIn(value);
    if (!planId || (data?.verb !== 'approve' && data?.verb !== 'reject')) return false;
    const actor = actorOf(context);
    const outcome = actor ? this.#approvals.decide(planId, data.verb, actor) : undefined;
    if (outcome) this.#track(outcome.done);
    const refusal = outcome ? outcome.refusal : 'Teams did not say who clicked, so the click cannot count.';
    // Teams has no message for one person in a channel: the refusal is a short reply there.
    if (refusal) await context.sendActivity({ type: 'message', text: refusal });
    return true;
  }
}

/**
 * Rewrites a plan card in Teams: through the reply that posted it while this process runs, else
 * (after a restart: the expiry sweep, interrupted plans) through the stored conversation reference.
 */
export class TeamsCardPublisher implements CardPublisher {
  readonly #adapter: CloudAdapter;
  readonly #appId: string;
  readonly #store: StoredReferences;
  readonly #replies = new Map<string, TeamsReply>();
  readonly #logger: Logger;

  constructor(adapter: CloudAdapter, appId: string, store: StoredReferences, logger: Logger) {
    this.#adapter = adapter;
    this.#appId = appId;
    this.#store = store;
    this.#logger = logger;
  }

  posted(activityId: string, reply: TeamsReply): void {
    this.#replies.set(activityId, reply);
  }

  async update(card: CardRef, message: Message): Promise<void> {
    const reply = this.#replies.get(card.messageId);
    if (reply) return reply.update(message);
    const [rendered] = renderCards(redactDeep(message)).cards;
    await this.#continue(card, (context) =>
      context.updateActivity({ ...activityFor(message, rendered as AdaptiveCard), id: card.messageId }),
    );
  }

  async followUp(card: CardRef, message: Message): Promise<void> {
    const reply = this.#replies.get(card.messageId);
    if (reply) return reply.send(message);
    const [rendered] = renderCards(redactDeep(message)).cards;
    // In the card's thread, replying to the card (not to the message the reference was stored from).
    await this.#continue(
      card,
      async (context) => {
        context.activity.id = card.messageId;
        await context.sendActivity(activityFor(message, rendered as AdaptiveCard));
      },
      { inThread: true },
    );
  }

  async #continue(card: CardRef, logic: (context: TurnContext) => Promise<unknown>, options: { inThread?: boolean } = {}): Promise<void> {
    const stored = this.#store.conversationRef?.('teams', card.conversationId);
    if (!stored) {
      this.#logger.warn({ conversationId: redact(card.conversationId) }, 'No stored Teams conversation to rewrite a plan card in');
      return;
    }
    const reference = stored.reference as Partial<ConversationReference>;
    await this.#adapter.continueConversationAsync(
      this.#appId,
      options.inThread ? threadOf(reference, card.messageId) : reference,
      async (context) => {
        await logic(context);
      },
    );
  }
}

function cardResponse(message: Message): AdaptiveCardInvokeResponse {
  const [card] = renderCards(redactDeep(message)).cards;
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
}

function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: MESSAGE_RESPONSE, value: redact(text) as unknown as Record<string, unknown> };
}

function planIdIn(data: unknown): string | undefined {
  const planId = (data as { planId?: unknown } | null | undefined)?.planId;
  return typeof planId === 'string' && planId.length > 0 && planId.length < 100 ? planId : undefined;
}

function actorOf(context: TurnContext): { platform: 'teams'; userId: string; displayName?: string } | undefined {
  const from = context.activity.from;
  return from?.aadObjectId ? { platform: 'teams', userId: from.aadObjectId, displayName: from.name } : undefined;
}
