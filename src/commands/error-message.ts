import { randomUUID } from 'node:crypto';
import { redact } from '../config/secret.js';
import { isMailsetupError } from '../errors.js';
import type { Message } from '../render/message.js';

/**
 * Turns anything thrown while handling a command into a sentence for the user. Coded errors show
 * their own message; anything else shows a reference the log can be searched for — never a stack.
 */
export function errorToMessage(error: unknown, log?: (reference: string, error: unknown) => void): Message {
  if (isMailsetupError(error) && error.code !== 'Internal') {
    return {
      summary: redact(error.userMessage),
      tone: 'error',
      blocks: [],
      // A usage error or a refusal is for the asker alone.
      ephemeral: error.code === 'UsageError' || error.code === 'NotAuthorized',
    };
  }
  const reference = randomUUID().slice(0, 8);
  log?.(reference, error);
  return {
    summary: `Something went wrong inside mailsetup (reference ${reference}). The bot's log has the details; please try again.`,
    tone: 'error',
    blocks: [],
  };
}
