import { renderText } from '../render/text.js';
import type { OutboxStore } from '../store/outbox.js';
import type { OutboxMessageView } from './contract.js';

/**
 * The outbox as `watch --json` prints it: every message written (sent or not), in order, as text.
 * With `afterId`, only the rows written after that one (one cycle's messages).
 */
export function outboxMessages(
  outbox: OutboxStore,
  options: { afterId?: number } = {},
): (OutboxMessageView & { id: number; channel: string })[] {
  return outbox
    .all()
    .filter((row) => row.id > (options.afterId ?? 0))
    .map((row) => ({
      id: row.id,
      alert: row.alertId,
      kind: row.kind,
      channel: `${row.channel.platform}:${row.channel.conversationId}`,
      text: renderText(row.message).trimEnd(),
    }));
}
