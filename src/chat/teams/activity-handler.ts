import {
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import type { Actor, CommandPlace } from '../../commands/context.js';

export interface TeamsEvents {
  /** A command from a person: in personal chat as typed, in channels and group chats after @mentioning the bot. */
  command(text: string, actor: Actor, context: TurnContext, place: CommandPlace): Promise<void>;
  /** A Universal Action (`Action.Execute`, invoke `adaptiveCard/action`): answered with a card or a message. */
  cardAction?(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse>;
  /** An `Action.Submit` (clients without Universal Actions): the button's data as the activity's `value`; true when handled. */
  submit?(context: TurnContext, value: unknown): Promise<boolean>;
  /** The bot was installed, added, or spoken to: keep where it can post (proactive alerts later). */
  remember(context: TurnContext): Promise<void>;
  /** The bot was uninstalled from a conversation. */
  forget(context: TurnContext): Promise<void>;
  /** A card button was clicked that nothing handles. */
  unsupported(context: TurnContext): Promise<void>;
}

/** Routes Teams activities to the front end: messages become commands, installs become stored references. */
export class MailsetupTeamsHandler extends TeamsActivityHandler {
  readonly #events: TeamsEvents;

  constructor(events: TeamsEvents) {
    super();
    this.#events = events;
    this.onMessage(async (context, next) => {
      await events.remember(context);
      const text = commandText(context.activity);
      if (!text && context.activity.value !== undefined) {
        if (!(await events.submit?.(context, context.activity.value))) await events.unsupported(context);
      } else {
        const from = context.activity.from;
        await events.command(
          text,
          { platform: 'teams', userId: from?.aadObjectId ?? from?.id ?? 'unknown', displayName: from?.name },
          context,
          placeOf(context.activity),
        );
      }
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const me = context.activity.recipient?.id;
      if (context.activity.membersAdded?.some((m) => m.id === me)) await events.remember(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await events.remember(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await events.forget(context);
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    if (this.#events.cardAction) return this.#events.cardAction(context, value);
    return super.onAdaptiveCardInvoke(context, value);
  }
}

/** Where a Teams activity was sent: the conversation (a thread's message id dropped), its team, or a personal chat. */
export function placeOf(activity: Partial<Activity>): CommandPlace {
  const channelData = activity.channelData as { team?: { id?: string } } | undefined;
  return {
    channelId: (activity.conversation?.id ?? '').split(';messageid=')[0],
    ...(channelData?.team?.id ? { teamId: channelData.team.id } : {}),
    personal: activity.conversation?.conversationType === 'personal',
  };
}

/**
 * The command a person typed: the bot's @mention removed (Teams puts `<at>mailsetup</at>` in the
 * text), HTML entities of the Teams client decoded, and whitespace collapsed. A leading
 * `/mailsetup` or `mailsetup` is left for the dispatcher, which accepts it.
 */
export function commandText(activity: Partial<Activity>): string {
  // A card's Action.Submit arrives without text (botbuilder's mention removal would throw on it).
  if (typeof activity.text !== 'string') return '';
  const copy = { ...activity };
  const text = TurnContext.removeRecipientMention(copy) ?? activity.text ?? '';
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Where the bot can post in this conversation later: the reference, with a channel thread's message id dropped. */
export function storedReference(activity: Partial<Activity>): { conversationId: string; reference: Partial<ConversationReference> } {
  const reference = TurnContext.getConversationReference(activity);
  const conversationId = (reference.conversation?.id ?? '').split(';messageid=')[0] as string;
  const { activityId: _activityId, ...rest } = reference;
  return {
    conversationId,
    reference: { ...rest, conversation: { ...(reference.conversation as ConversationReference['conversation']), id: conversationId } },
  };
}
