import type { ConversationReference } from 'botbuilder';

/**
 * A stored conversation reference pointed at one message's thread. In a Teams channel a reply goes
 * to the thread through the conversation id `…;messageid=<root id>`; botbuilder's `sendActivity`
 * replies to the turn's activity id, which the caller sets to the same message (the stored
 * reference's own id is the install message, not the one replied to).
 */
export function threadOf(reference: Partial<ConversationReference>, messageId: string): Partial<ConversationReference> {
  return reference.conversation?.conversationType === 'channel'
    ? { ...reference, conversation: { ...reference.conversation, id: `${reference.conversation.id};messageid=${messageId}` } }
    : reference;
}
