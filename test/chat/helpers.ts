import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import type { CommandContext } from '../../src/commands/context.js';
import type { Report } from '../../src/engine/result.js';
import type { Message } from '../../src/render/message.js';
import { progressMessage, reportToMessage } from '../../src/render/report-message.js';

/** A pino logger whose lines land in `lines` (debug and up), to check what the bot logs. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/**
 * Sends `count` commands one after another and returns each acknowledgement time (ms). The median
 * is what tests compare with the 300 ms budget: one stall of a loaded test machine is not the bot.
 */
export async function ackTimes(count: number, send: () => Promise<number>): Promise<{ times: number[]; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await send());
  const sorted = [...times].sort((a, b) => a - b);
  return { times, median: sorted[Math.floor(sorted.length / 2)] as number };
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RecordedCall {
  text: string;
  ctx: Omit<CommandContext, 'core'>;
  /** Date.now() when the command finished (undefined while it runs). */
  finishedAt?: number;
}

/**
 * A stand-in for the dispatcher's `status`: reports progress as each check "finishes" over
 * `durationMs`, then returns the report's Message — what the real command does, at a known pace.
 */
export function statusHandler(report: Report, durationMs = 1000): ChatCommandHandler & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const handler = async (text: string, ctx: Omit<CommandContext, 'core'>): Promise<Message> => {
    const call: RecordedCall = { text, ctx };
    calls.push(call);
    const planned = report.checks.map((c) => ({ id: c.id, title: c.title }));
    const step = durationMs / report.checks.length;
    for (let i = 0; i < report.checks.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, step));
      await ctx.update?.(progressMessage(report.domain, planned, report.checks.slice(0, i + 1)));
    }
    call.finishedAt = Date.now();
    return reportToMessage(report);
  };
  return Object.assign(handler, { calls });
}

/** All the text a user can read in Block Kit blocks, in order. */
export function slackText(blocks: unknown[]): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** All the text a user can read in an Adaptive Card (visible or behind a toggle), in order. */
export function cardText(card: unknown, options: { hidden?: boolean } = {}): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.isVisible === false && !options.hidden) return;
    if (o.type === 'RichTextBlock') {
      out.push((o.inlines as { text: string }[]).map((r) => r.text).join(''));
      return;
    }
    if (o.type === 'TableRow') {
      const cells = o.cells as { items: { inlines: { text: string }[] }[] }[];
      out.push(cells.map((c) => c.items.flatMap((i) => i.inlines.map((r) => r.text)).join('')).join(' | '));
      return;
    }
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet') for (const f of o.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
    if (o.type === 'Action.ToggleVisibility' && typeof o.title === 'string') out.push(`[${o.title}]`);
    for (const [k, v] of Object.entries(o)) if (k !== 'inlines' && k !== 'facts') walk(v);
  };
  walk(card);
  return out.join('\n');
}
