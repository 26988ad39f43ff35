import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type CloudAdapter,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import type { Logger } from 'pino';
import { planIdOf } from '../../approvals/card.js';
import { errorToMessage } from '../../commands/error-message.js';
import { redact } from '../../config/secret.js';
import type { AlertActions, AlertActor, AlertButton, AlertClickOutcome } from '../../monitor/contract.js';
import { ALERT_INPUT, ALERT_VERB } from '../../render/alert-cards.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard, renderCards } from '../../render/cards.js';
import type { AlertAction, Message } from '../../render/message.js';
import { redactDeep } from '../front-end.js';
import { placeOf } from './activity-handler.js';
import { activityFor, TeamsReply } from './teams-reply.js';

const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';
const ACTION_OF_VERB = new Map(Object.entries(ALERT_VERB).map(([action, verb]) => [verb, action as AlertAction]));

export interface TeamsAlertActionsOptions {
  alerts: AlertActions;
  adapter: CloudAdapter;
  logger: Logger;
  track: (work: Promise<void>) => void;
  /** A fix plan card was posted in the alert's thread (Fix): hand it to the fix flow. */
  planCardPosted?: (planId: string, reply: TeamsReply, conversationId: string) => void;
}

/** Whether an `Action.Execute` verb or an `Action.Submit`'s `verb` is an alert button's. */
export function isAlertVerb(verb: unknown): boolean {
  return typeof verb === 'string' && ACTION_OF_VERB.has(verb);
}

/**
 * The alert buttons in Teams. `Action.Execute` arrives as the invoke `adaptiveCard/action` and is
 * answered with the alert's card as it now stands (a refusal: a message only the clicker sees);
 * `Action.Submit` (older clients) arrives as a message, and the card is rewritten with
 * `updateActivity`. A reply (the fix plan, the fresh result) goes in the alert's thread after the
 * answer. Who clicked is the JWT-validated activity's `from.aadObjectId`, never the card's data.
 */
export class TeamsAlertActions {
  readonly #options: TeamsAlertActionsOptions;

  constructor(options: TeamsAlertActionsOptions) {
    this.#options = options;
  }

  async cardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const outcome = await this.#click(context, value.action?.verb, value.action?.data);
    if (outcome.refusal) return messageResponse(outcome.refusal);
    return outcome.root ? cardResponse(outcome.root) : messageResponse('Done.');
  }

  /** An `Action.Submit` fallback click; false when it is not an alert button's. */
  async submit(context: TurnContext, value: unknown): Promise<boolean> {
    const data = value as { verb?: unknown } | null;
    if (!isAlertVerb(data?.verb)) return false;
    const outcome = await this.#click(context, data?.verb, value);
    const cardId = context.activity.replyToId;
    if (outcome.root && cardId) {
      const [card] = renderCards(redactDeep(outcome.root)).cards;
      await context
        .updateActivity({ ...activityFor(outcome.root, card as AdaptiveCard), id: cardId })
        .catch((error: unknown) =>
          this.#options.logger.warn({ err: redact(String(error)) }, 'The alert card could not be rewritten in Teams'),
        );
    }
    // Teams has no message for one person in a channel: the refusal is a short reply there.
    if (outcome.refusal) await context.sendActivity({ type: 'message', text: redact(outcome.refusal) });
    return true;
  }

  async #click(context: TurnContext, verb: unknown, data: unknown): Promise<Pick<AlertClickOutcome, 'refusal' | 'root'>> {
    const button = buttonOf(verb, data);
    if (typeof button === 'string') return { refusal: button };
    const from = context.activity.from;
    if (!from?.aadObjectId) return { refusal: 'Teams did not say who clicked, so the click cannot count.' };
    const actor: AlertActor = { platform: 'teams', userId: from.aadObjectId, displayName: from.name };
    const conversationId = placeOf(context.activity).channelId ?? '';
    let outcome: AlertClickOutcome;
    try {
      outcome = await this.#options.alerts.click(button, actor, { platform: 'teams', conversationId });
    } catch (error) {
      const sentence = errorToMessage(error, (reference, cause) =>
        this.#options.logger.error({ reference, err: redact(String(cause)) }, 'An alert button failed'),
      );
      return { refusal: sentence.summary };
    }
    this.#options.track(
      outcome.done.catch((error: unknown) =>
        this.#options.logger.error({ err: redact(String(error)) }, 'The work after an alert click failed'),
      ),
    );
    if (outcome.reply) this.#replyInThread(context, outcome.reply, conversationId);
    return outcome;
  }

  /** After this turn has answered Teams: the reply in the clicked card's thread. */
  #replyInThread(context: TurnContext, message: Message, conversationId: string): void {
    const cardId = context.activity.replyToId;
    const incoming = TurnContext.getConversationReference(context.activity);
    const channel = incoming.conversation?.conversationType === 'channel';
    const reference: Partial<ConversationReference> = {
      ...incoming,
      activityId: cardId,
      conversation: {
        ...(incoming.conversation as ConversationReference['conversation']),
        id: channel && cardId ? `${conversationId};messageid=${cardId}` : (incoming.conversation?.id ?? conversationId),
      },
    };
    const identity = context.turnState.get(context.adapter.BotIdentityKey) as ClaimsIdentity;
    const reply = new TeamsReply(this.#options.adapter, identity, reference);
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => reply.post(message))
      .then(() => {
        const planId = planIdOf(message);
        if (planId && reply.activityId) this.#options.planCardPosted?.(planId, reply, conversationId);
      })
      .catch((error: unknown) => this.#options.logger.warn({ err: redact(String(error)) }, 'An alert reply did not reach Teams'));
    this.#options.track(work);
  }
}

/** The button a click means, or a sentence saying why it means none. Inputs arrive as strings. */
function buttonOf(verb: unknown, data: unknown): AlertButton | string {
  const action = typeof verb === 'string' ? ACTION_OF_VERB.get(verb) : undefined;
  const fields = (data ?? {}) as Record<string, unknown>;
  const alertId =
    typeof fields.alertId === 'string' && fields.alertId.length > 0 && fields.alertId.length < 200 ? fields.alertId : undefined;
  if (!action) return 'That button does nothing in this version of mailsetup.';
  if (!alertId) return 'That button does not name an alert.';
  const reason = typeof fields[ALERT_INPUT.reason] === 'string' ? (fields[ALERT_INPUT.reason] as string).trim() : '';
  switch (action) {
    case 'acknowledge':
      return reason ? { action, alertId, reason } : 'Say why in the reason box, then click Acknowledge again.';
    case 'snooze': {
      const durationMs = Number(fields[ALERT_INPUT.snooze]);
      if (!Number.isSafeInteger(durationMs) || durationMs <= 0) return 'Choose how long to snooze the alert, then click Snooze again.';
      return reason ? { action, alertId, durationMs, reason } : 'Say why in the reason box, then click Snooze again.';
    }
    case 'fix':
    case 'run':
      return { action, alertId };
  }
}

function cardResponse(message: Message): AdaptiveCardInvokeResponse {
  const [card] = renderCards(redactDeep(message)).cards;
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
}

function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: MESSAGE_RESPONSE, value: redact(text) as unknown as Record<string, unknown> };
}
