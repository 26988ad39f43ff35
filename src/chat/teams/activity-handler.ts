import { type Activity, type ConversationReference, TeamsActivityHandler, TurnContext } from 'botbuilder';
import type { Actor } from '../../commands/context.js';

export interface TeamsEvents {
  /** A command from a person: in personal chat as typed, in channels and group chats after @mentioning the bot. */
  command(text: string, actor: Actor, context: TurnContext): Promise<void>;
  /** The bot was installed, added, or spoken to: keep where it can post (proactive alerts later). */
  remember(context: TurnContext): Promise<void>;
  /** The bot was uninstalled from a conversation. */
  forget(context: TurnContext): Promise<void>;
  /** A card button was clicked (Action.Submit): nothing to do yet. */
  unsupported(context: TurnContext): Promise<void>;
}

/** Routes Teams activities to the front end: messages become commands, installs become stored references. */
export class MailsetupTeamsHandler extends TeamsActivityHandler {
  constructor(events: TeamsEvents) {
    super();
    this.onMessage(async (context, next) => {
      await events.remember(context);
      const text = commandText(context.activity);
      if (!text && context.activity.value !== undefined) await events.unsupported(context);
      else {
        const from = context.activity.from;
        await events.command(
          text,
          { platform: 'teams', userId: from?.aadObjectId ?? from?.id ?? 'unknown', displayName: from?.name },
          context,
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
}

/**
 * The command a person typed: the bot's @mention removed (Teams puts `<at>mailsetup</at>` in the
 * text), HTML entities of the Teams client decoded, and whitespace collapsed. A leading
 * `/mailsetup` or `mailsetup` is left for the dispatcher, which accepts it.
 */
export function commandText(activity: Partial<Activity>): string {
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
