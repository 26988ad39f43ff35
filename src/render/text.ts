import { forPlace } from './for-place.js';
import type { Message, MessageBlock } from './message.js';
import { duration } from './time.js';

const MARK: Record<string, string> = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', error: 'ERR ', skip: 'skip', pending: '... ' };

export interface TextOptions {
  /** Include `details` (long evidence) and the folded lists' items. */
  details?: boolean;
  /** How the bot's commands are written here: `mailsetup` (the CLI, the default). */
  commandPrefix?: string;
}

/** Renders a Message as plain text for the console and the CLI. */
export function renderText(message: Message, options: TextOptions = {}): string {
  const shown = forPlace(message, options.commandPrefix ?? 'mailsetup');
  const lines: string[] = [shown.summary, ''];
  for (const block of shown.blocks) lines.push(...renderBlock(block, options.details === true));
  if (options.details && shown.details?.length) {
    lines.push('', 'Evidence:');
    for (const block of shown.details) lines.push(...renderBlock(block, true));
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function plain(text: string): string {
  return text.replace(/\*([^*\n]+)\*/g, '$1');
}

function renderBlock(block: MessageBlock, full: boolean): string[] {
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
    case 'table':
      return ['', plain(block.title), ...table([block.columns, ...block.rows]).map((l) => `  ${l}`)];
    case 'check': {
      const out = [`[${MARK[block.status]}] ${block.title} (${block.id})`, `       ${plain(block.detail)}`];
      for (const e of block.evidence ?? []) out.push(`       ${e.label}: ${e.value}`);
      if (block.remediation) out.push(`       Fix: ${plain(block.remediation)}`);
      if (block.command) out.push(`       Command: ${block.command}`);
      return out;
    }
    case 'folded': {
      // Folded to its count; the items with --details (or when there are only a few).
      if (!full && block.items.length > 3) {
        const mixed = new Set(block.items.map((i) => i.status)).size > 1;
        return [mixed ? `${plain(block.label)}: ${tally(block.items)}` : plain(block.label)];
      }
      return [`${plain(block.label)}:`, ...block.items.map((i) => `  [${MARK[i.status]}] ${i.title} (${i.id})`)];
    }
    case 'plan-actions':
      return [`Approve or reject plan ${block.planId} with the buttons in Slack or Teams.`];
    case 'alert-actions':
      return [
        `Acknowledge or snooze with \`mailsetup alerts ack ${block.alertId} <reason>\` or \`mailsetup alerts snooze ${block.alertId} <duration> <reason>\`.`,
      ];
    case 'hops':
      return block.hops.map((h) => {
        const time = h.durationMs === undefined ? '' : ` ${duration(h.durationMs)}`;
        return `  [${MARK[h.status]}] ${h.name}${time} — ${plain(h.detail)}`;
      });
  }
}

/** "21 ok, 1 skip" for a folded list. */
function tally(items: { status: string }[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${MARK[status]?.trim() ?? status}`).join(', ');
}

/** Rows as aligned columns (each column as wide as its widest cell, capped so a line stays readable). */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, c] of row.entries()) widths[i] = Math.min(Math.max(widths[i] ?? 0, c.length), 40);
  }
  return rows.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
