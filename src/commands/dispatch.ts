import { MailsetupError } from '../errors.js';
import type { Message } from '../render/message.js';
import { scopedContext } from './access-gate.js';
import { alertsCommand } from './alerts.js';
import { checkCommand } from './check.js';
import type { CommandContext, CommandSpec } from './context.js';
import { errorToMessage } from './error-message.js';
import { explainCommand } from './explain.js';
import { fixCommand } from './fix-chat.js';
import { helpCommand, PLANNED_VERBS } from './help.js';
import { historyCommand } from './history.js';
import { parseCommandLine } from './parse.js';
import { statusCommand } from './status.js';
import { testEmailCommand } from './test-email.js';
import { watchCommand } from './watch.js';

export const COMMANDS: readonly CommandSpec[] = [
  statusCommand,
  checkCommand,
  explainCommand,
  testEmailCommand,
  fixCommand,
  historyCommand,
  watchCommand,
  alertsCommand,
  helpCommand(() => COMMANDS),
];

export interface DispatchOptions {
  /** Called with a reference and the error for failures that are not the user's (to log them). */
  onInternalError?: (reference: string, error: unknown) => void;
}

/**
 * The one entry for every front end: a command line in, a Message out. Never throws: usage errors,
 * bad config and outside failures all come back as a sentence.
 */
export async function handleCommand(text: string, ctx: CommandContext, options: DispatchOptions = {}): Promise<Message> {
  try {
    const { verb, args } = parseCommandLine(text);
    return await findCommand(verb).run(args, scopedContext(ctx, verb));
  } catch (error) {
    return errorToMessage(error, options.onInternalError);
  }
}

/**
 * The command for a verb. Otherwise a UsageError: "not in this version yet" for a planned verb, or
 * the list of every verb (`alsoVerbs`: the ones a front end adds, like the CLI's `start`).
 */
export function findCommand(verb: string, alsoVerbs: readonly string[] = []): CommandSpec {
  const command = COMMANDS.find((c) => c.verb === verb);
  if (command) return command;
  const planned = PLANNED_VERBS[verb];
  if (planned) {
    throw new MailsetupError('UsageError', `\`${verb}\` (${planned}) is not in this version yet.`, {
      hint: 'Meanwhile `explain <id>` gives the steps by hand.',
    });
  }
  const verbs = [...COMMANDS.map((c) => c.verb), ...alsoVerbs];
  throw new MailsetupError('UsageError', `"${verb.slice(0, 40)}" is not a mailsetup verb.`, {
    hint: `Verbs: ${verbs.join(', ')}. Try \`help\`.`,
  });
}
