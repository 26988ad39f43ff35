import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import { type AdaptiveCard, cardAttachment, renderCards } from '../../render/cards.js';
import { type Message, placeCommands } from '../../render/message.js';
import { neutraliseControls } from '../../render/safe-text.js';
import { type LiveReplyTarget, redactDeep } from '../front-end.js';

/** How people ask the bot in Teams: by mentioning it. */
const TEAMS_COMMAND = '@mailsetup';

/**
 * A reply in a Teams conversation: the card is sent once and then updated in place
 * (`updateActivity`), with any further cards (a reply too big for one Teams message) sent after
 * the final version. It works outside the turn that asked (through `continueConversationAsync`),
 * so the HTTP request from Teams is answered at once and the checks run afterwards.
 */
export class TeamsReply implements LiveReplyTarget {
  readonly #adapter: CloudAdapter;
  readonly #identity: ClaimsIdentity;
  readonly #reference: Partial<ConversationReference>;
  /** The id the connector gave the posted card. */
  activityId: string | undefined;

  constructor(adapter: CloudAdapter, identity: ClaimsIdentity, reference: Partial<ConversationReference>) {
    this.#adapter = adapter;
    this.#identity = identity;
    this.#reference = reference;
  }

  async post(message: Message): Promise<void> {
    const [card] = renderCards(redactDeep(message)).cards;
    await this.#inConversation(async (context) => {
      const sent = await context.sendActivity(activityFor(message, card as AdaptiveCard));
      this.activityId = sent?.id;
    });
  }

  async update(message: Message): Promise<void> {
    const id = this.activityId;
    if (!id) return;
    const [card] = renderCards(redactDeep(message)).cards;
    await this.#inConversation(async (context) => {
      await context.updateActivity({ ...activityFor(message, card as AdaptiveCard), id });
    });
  }

  /** A new message in the conversation (a follow-up under the reply, in a channel's thread). */
  async send(message: Message): Promise<void> {
    const [card] = renderCards(redactDeep(message)).cards;
    await this.#inConversation(async (context) => {
      await context.sendActivity(activityFor(message, card as AdaptiveCard));
    });
  }

  /** After the final version: the cards that did not fit in the first one. */
  async complete(final: Message): Promise<void> {
    const rest = renderCards(redactDeep(final)).cards.slice(1);
    if (rest.length === 0) return;
    await this.#inConversation(async (context) => {
      for (const card of rest) await context.sendActivity(activityFor(final, card));
    });
  }

  #inConversation(logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const askedIn = this.#reference.activityId;
    return this.#adapter.continueConversationAsync(this.#identity, this.#reference, async (context) => {
      // The continuation activity gets a random id, and botbuilder replies to it; reply to the
      // person's message instead (that is what places the reply in a channel thread).
      if (askedIn) context.activity.id = askedIn;
      await logic(context);
    });
  }
}

export function activityFor(message: Message, card: AdaptiveCard): Partial<Activity> {
  // `summary` is what Teams shows in notifications and the chat list.
  const summary = placeCommands(neutraliseControls(message.summary), TEAMS_COMMAND).replace(/[*`]/g, '');
  return { type: 'message', summary: redactDeep(summary), attachments: [cardAttachment(card)] };
}
