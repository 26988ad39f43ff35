import type { Message, MessageBlock } from './message.js';

const MARK: Record<string, string> = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', error: 'ERR ', skip: 'skip', pending: '... ' };

export interface TextOptions {
  /** Include `details` (long evidence). */
  details?: boolean;
}

/** Renders a Message as plain text for the console and the CLI. */
export function renderText(message: Message, options: TextOptions = {}): string {
  const lines: string[] = [message.summary, ''];
  for (const block of message.blocks) lines.push(...renderBlock(block));
  if (options.details && message.details?.length) {
    lines.push('', 'Evidence:');
    for (const block of message.details) lines.push(...renderBlock(block));
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function plain(text: string): string {
  return text.replace(/\*([^*\n]+)\*/g, '$1');
}

function renderBlock(block: MessageBlock): string[] {
  switch (block.type) {
    case 'heading':
      return ['', `== ${plain(block.text)} ==`];
    case 'text':
      return [plain(block.text)];
    case 'divider':
      return ['----'];
    case 'code':
      return block.text.split('\n').map((l) => `    ${l}`);
    case 'fields':
      return block.fields.map((f) => `  ${f.label}: ${plain(f.value)}`);
    case 'check': {
      const out = [`[${MARK[block.status]}] ${block.title} (${block.id})`, `       ${plain(block.detail)}`];
      for (const e of block.evidence ?? []) out.push(`       ${e.label}: ${e.value}`);
      if (block.remediation) out.push(`       Fix: ${plain(block.remediation)}`);
      if (block.command) out.push(`       Command: ${block.command}`);
      return out;
    }
    case 'folded':
      return [`${block.label}:`, ...block.items.map((i) => `  [${MARK[i.status]}] ${i.title} (${i.id})`)];
    case 'hops':
      return block.hops.map((h) => {
        const time = h.durationMs === undefined ? '' : ` ${h.durationMs} ms`;
        return `  [${MARK[h.status]}] ${h.name}${time} — ${plain(h.detail)}`;
      });
  }
}
