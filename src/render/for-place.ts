import { type Message, type MessageBlock, placeCommandLine, placeCommands } from './message.js';
import { neutraliseControls } from './safe-text.js';

/**
 * A Message as the place that shows it should read it: every string with its control characters
 * neutralised (values from outside could carry ESC/OSC sequences), and the bot's commands in the
 * place's form (`prefix`: `mailsetup` in the CLI, `/mailsetup` in Slack, `@mailsetup` in Teams).
 */
export function forPlace(message: Message, prefix: string): Message {
  const text = (t: string) => placeCommands(neutraliseControls(t), prefix);
  const block = (b: MessageBlock): MessageBlock => {
    const fixed = deepText(b, text);
    if (fixed.type === 'check' && fixed.command !== undefined) fixed.command = placeCommandLine(fixed.command, prefix);
    return fixed;
  };
  return {
    ...message,
    summary: text(message.summary),
    blocks: message.blocks.map(block),
    ...(message.details ? { details: message.details.map(block) } : {}),
  };
}

function deepText<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((v) => deepText(v, map)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = k === 'type' ? v : deepText(v, map);
    return out as T;
  }
  return value;
}
