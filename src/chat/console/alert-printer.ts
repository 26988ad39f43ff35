import type { AlertChannel, AlertPoster, PostedRef, PostOptions } from '../../monitor/contract.js';
import type { Message } from '../../render/message.js';
import { renderText } from '../../render/text.js';

/** The console's own channel: alerts print in the terminal the bot runs in (the lab demo). */
export const CONSOLE_CHANNEL: AlertChannel = { platform: 'console', conversationId: 'console' };

/**
 * Alerts in the console: a root prints whole, a thread reply indented under its alert, an update
 * only when its first line changed (acknowledged, snoozed, resolved) — a terminal cannot edit what
 * it printed, so the new state line is printed instead.
 */
export class ConsoleAlertPoster implements AlertPoster {
  readonly #output: NodeJS.WritableStream;
  readonly #shown = new Map<string, string>();
  #next = 0;

  constructor(output: NodeJS.WritableStream) {
    this.#output = output;
  }

  async post(channel: AlertChannel, message: Message, options: PostOptions = {}): Promise<PostedRef> {
    const messageId = `console-${++this.#next}`;
    if (options.thread) {
      const body = renderText(message).trimEnd().split('\n').join('\n    ');
      this.#output.write(`\n  ↳ ${body}\n`);
    } else {
      this.#shown.set(messageId, message.summary);
      this.#output.write(`\n🔔 Alert: ${renderText(message).trimEnd()}\n`);
    }
    return { platform: 'console', conversationId: channel.conversationId, messageId };
  }

  async update(ref: PostedRef, message: Message): Promise<void> {
    const state = stateLine(message);
    const key = `${message.summary}|${state}`;
    if (this.#shown.get(ref.messageId) === key) return;
    this.#shown.set(ref.messageId, key);
    this.#output.write(`\n  ↻ ${message.summary}${state ? ` — ${state}` : ''}\n`);
  }
}

/** The "State: …" field of an alert root, if it has one. */
function stateLine(message: Message): string | undefined {
  for (const block of message.blocks) {
    if (block.type !== 'fields') continue;
    const state = block.fields.find((f) => f.label === 'State');
    if (state) return state.value;
  }
  return undefined;
}
