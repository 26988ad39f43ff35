import { createInterface } from 'node:readline';
import type { CommandContext, Core } from '../../commands/context.js';
import type { Message } from '../../render/message.js';
import { neutraliseControls } from '../../render/safe-text.js';
import { renderText } from '../../render/text.js';

export interface ConsoleOptions {
  core: Core;
  handleCommand: (text: string, ctx: CommandContext) => Promise<Message>;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Show a live progress line (only sensible on a terminal). */
  interactive: boolean;
  /** Console-only lines (not chat verbs): answered here when this returns text, else dispatched. */
  ownLine?: (text: string) => string | undefined;
}

/**
 * The console channel: type `/mailsetup status` (or just `status`), read the reply as text.
 * Resolves when the input ends or the user types `exit`.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { output } = options;
  const rl = createInterface({ input: options.input, output: options.interactive ? output : undefined, terminal: options.interactive });
  const prompt = () => {
    if (options.interactive) rl.prompt();
  };
  rl.setPrompt('mailsetup> ');
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '') {
      prompt();
      continue;
    }
    if (/^(exit|quit|\/?mailsetup\s+(exit|quit))$/i.test(text)) break;
    const own = options.ownLine?.(text);
    if (own !== undefined) {
      output.write(`${neutraliseControls(own)}\n`);
      prompt();
      continue;
    }
    let lastProgress = '';
    const reply = await options.handleCommand(text, {
      core: options.core,
      actor: { platform: 'console', userId: 'console' },
      update: options.interactive
        ? (message) => {
            lastProgress = neutraliseControls(message.summary);
            output.write(`\r\x1b[2K${lastProgress}`);
          }
        : undefined,
    });
    if (lastProgress) output.write('\r\x1b[2K');
    // Replies carry values from outside (server names, SMTP replies): none may drive the terminal.
    output.write(neutraliseControls(renderText(reply, { details: false })));
    output.write('\n');
    prompt();
  }
  rl.close();
}
