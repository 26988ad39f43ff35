import type { types } from '@slack/bolt';
import { alertActionsBlock } from './alert-blocks.js';
import { chunk, splitText } from './blocks-split.js';
import { forPlace } from './for-place.js';
import { type Message, type MessageBlock, STATUS_EMOJI } from './message.js';
import { duration } from './time.js';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type ContextBlock = types.ContextBlock;
type MrkdwnElement = types.MrkdwnElement;

/** Block Kit limits (docs.slack.dev/reference/block-kit): exceeding one makes Slack refuse the message. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  /** Blocks in a Home tab view. */
  blocksPerView: 100,
  sectionText: 3000,
  headerText: 150,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextElements: 10,
  /** We keep each context element well under the text object limit so a line stays readable. */
  contextElementText: 2000,
  /** The top-level `text` (notification / fallback). Slack truncates past 40,000; the blocks carry the full text. */
  fallbackText: 3000,
} as const;

export interface SlackPayload {
  /** Notification and accessibility text (the summary). */
  text: string;
  blocks: KnownBlock[];
}

export interface SlackRendering {
  /** The message itself (≤ 50 blocks); the one that is posted and then updated in place. */
  main: SlackPayload;
  /**
   * Thread replies, in order: what did not fit in the main message, then the long evidence
   * (`details`). Empty when everything fits and there is no evidence.
   */
  thread: SlackPayload[];
}

const TONE_EMOJI: Record<Message['tone'], string> = {
  ok: '✅',
  warn: '⚠️',
  bad: '❌',
  info: 'ℹ️',
  error: '❓',
};

/**
 * Slack mrkdwn from the neutral inline text. `*bold*` and `` `code` `` are already Slack's syntax;
 * `&`, `<` and `>` must be escaped or Slack reads them as links and mentions.
 */
export function toMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackRenderOptions {
  maxBlocks?: number;
  /** The slash command the bot's commands are shown with (default `/mailsetup`). */
  command?: string;
}

/** A folded list longer than this goes to the thread; the message shows its count. */
const FOLD_INLINE_MAX = 3;

/**
 * Renders a Message as Block Kit, split so that no Slack limit is exceeded and nothing is cut:
 * long folded lists (the passing checks) show as a count, their items in a thread reply.
 */
export function renderBlocks(input: Message, options: SlackRenderOptions = {}): SlackRendering {
  const message = forPlace(input, options.command ?? '/mailsetup');
  const max = options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage;
  const lists: Extract<MessageBlock, { type: 'folded' }>[] = [];
  const fold = message.inProgress ? 'count' : lists;
  const body = [...summaryBlocks(message), ...message.blocks.flatMap((b) => blockToSlack(b, fold))];
  const hasDetails = (message.details?.length ?? 0) > 0 && !message.inProgress;
  const note = (text: string): ContextBlock => ({ type: 'context', elements: [mrkdwn(text)] });

  let mainBlocks: KnownBlock[];
  const thread: SlackPayload[] = [];
  if (body.length + (hasDetails ? 1 : 0) <= max) {
    mainBlocks = body;
    if (hasDetails) mainBlocks.push(note('🧵 The evidence (setting, observed, expected) is in the thread.'));
  } else {
    const head = body.slice(0, max - 1);
    const overflow = chunk(body.slice(max - 1), max - 1);
    mainBlocks = [...head, note(`🧵 Continued in the thread (${overflow.length} more message${overflow.length === 1 ? '' : 's'}).`)];
    for (const [i, blocks] of overflow.entries()) {
      thread.push({
        text: fallback(`${message.summary} (continued ${i + 1} of ${overflow.length})`),
        blocks: [note(`Continued ${i + 1} of ${overflow.length}`), ...blocks],
      });
    }
  }

  for (const list of lists) {
    const items = list.items.map((i) => `${STATUS_EMOJI[i.status]} ${toMrkdwn(i.title)}  \`${i.id}\``);
    for (const blocks of chunk(sections(items.join('\n')), max - 1)) {
      thread.push({ text: fallback(`${list.label}: ${message.summary}`), blocks: [note(`*${toMrkdwn(list.label)}*`), ...blocks] });
    }
  }

  if (hasDetails) {
    const evidence = (message.details ?? []).flatMap((b) => blockToSlack(b, 'inline'));
    const parts = chunk(evidence, max - 1);
    for (const [i, blocks] of parts.entries()) {
      thread.push({
        text: fallback(`Evidence: ${message.summary}`),
        blocks: [
          note(parts.length > 1 ? `*Evidence* (${i + 1} of ${parts.length})` : '*Evidence* (setting, observed, expected)'),
          ...blocks,
        ],
      });
    }
  }
  return { main: { text: fallback(message.summary), blocks: mainBlocks }, thread };
}

/** All blocks of a Message for a surface that takes one list (the App Home view), capped at `max`. */
export function blocksForView(input: Message, max: number = SLACK_LIMITS.blocksPerView, command = '/mailsetup'): KnownBlock[] {
  const message = forPlace(input, command);
  const all = [...summaryBlocks(message), ...message.blocks.flatMap((b) => blockToSlack(b, 'count'))];
  if (all.length <= max) return all;
  return [
    ...all.slice(0, max - 1),
    {
      type: 'context',
      elements: [mrkdwn(`…and ${all.length - max + 1} more blocks: run \`${command} status\` in a channel for the full reply.`)],
    },
  ];
}

function fallback(text: string): string {
  return text.length > SLACK_LIMITS.fallbackText ? `${text.slice(0, SLACK_LIMITS.fallbackText - 1)}…` : text;
}

function summaryBlocks(message: Message): SectionBlock[] {
  const emoji = message.inProgress ? '⏳' : TONE_EMOJI[message.tone];
  // The summary is one bold line; should it ever be longer than a section, it continues in the next.
  return splitText(toMrkdwn(message.summary.replace(/\*/g, '')), SLACK_LIMITS.sectionText - 8).map((piece, i) =>
    section(i === 0 ? `${emoji} *${piece}*` : `*${piece}*`),
  );
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: text.length > 0 ? text : ' ', verbatim: true };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** One or more sections holding `text`, each within the section limit. */
function sections(text: string): SectionBlock[] {
  return splitText(text, SLACK_LIMITS.sectionText).map(section);
}

function codeSections(code: string): SectionBlock[] {
  const fence = '```';
  return splitText(toMrkdwn(code), SLACK_LIMITS.sectionText - 2 * fence.length - 2).map((piece) => section(`${fence}\n${piece}\n${fence}`));
}

/**
 * One neutral block as Block Kit. A long folded list shows as its count: its items go to `fold`
 * (the thread replies) when given an array, stay out with `'count'` (progress, the Home tab), or
 * show inline with `'inline'`.
 */
function blockToSlack(block: MessageBlock, fold: 'inline' | 'count' | MessageBlock[]): KnownBlock[] {
  switch (block.type) {
    case 'heading': {
      const text = block.text.replace(/\*/g, '');
      if (text.length <= SLACK_LIMITS.headerText && text.trim().length > 0) {
        return [{ type: 'header', text: { type: 'plain_text', text, emoji: true } }];
      }
      return sections(`*${toMrkdwn(text)}*`);
    }
    case 'text':
      return sections(toMrkdwn(block.text));
    case 'divider':
      return [{ type: 'divider' }];
    case 'code':
      return codeSections(block.text);
    case 'fields': {
      const fitting = block.fields.map((f) => `*${toMrkdwn(f.label)}*\n${toMrkdwn(f.value)}`);
      if (fitting.every((f) => f.length <= SLACK_LIMITS.fieldText)) {
        return chunk(fitting, SLACK_LIMITS.fieldsPerSection).map((fields) => ({ type: 'section', fields: fields.map(mrkdwn) }));
      }
      return sections(fitting.join('\n'));
    }
    case 'check': {
      const lines = [`${STATUS_EMOJI[block.status]} *${toMrkdwn(block.title)}*  \`${block.id}\``, toMrkdwn(block.detail)];
      for (const e of block.evidence ?? []) lines.push(`• ${toMrkdwn(e.label)}: ${toMrkdwn(e.value)}`);
      if (block.remediation) lines.push(`*Fix:* ${toMrkdwn(block.remediation)}`);
      const inlineCommand =
        block.command !== undefined && !block.command.includes('\n') && !block.command.includes('`') && block.command.length <= 300;
      if (block.command && inlineCommand) lines.push(`*Command:* \`${toMrkdwn(block.command)}\``);
      const out: KnownBlock[] = sections(lines.join('\n'));
      if (block.command && !inlineCommand) out.push(section('*Command:*'), ...codeSections(block.command));
      return out;
    }
    case 'folded': {
      if (fold === 'inline' || block.items.length <= FOLD_INLINE_MAX) {
        const items = block.items.map((i) => `${STATUS_EMOJI[i.status]} ${toMrkdwn(i.title)}`);
        return contextLines(`*${toMrkdwn(block.label)}*`, items);
      }
      if (Array.isArray(fold)) fold.push(block);
      const where = Array.isArray(fold) ? ' — listed in the thread 🧵' : '';
      return [{ type: 'context', elements: [mrkdwn(`*${toMrkdwn(block.label)}*  ${tally(block.items)}${where}`)] }];
    }
    case 'table': {
      const lines = block.rows.map((r) => {
        const [setting = '', observed = '', expected = '—'] = r.map(toMrkdwn);
        return `• *${setting}*: ${observed}${expected === '—' ? '' : `  (expected: ${expected})`}`;
      });
      return sections([`*${toMrkdwn(block.title)}*`, ...lines].join('\n'));
    }
    case 'alert-actions':
      return block.actions.length > 0 ? [alertActionsBlock(block)] : [];
    case 'plan-actions':
      return [planButtons(block)];
    case 'hops':
      return sections(
        block.hops
          .map((h) => {
            const time = h.durationMs === undefined ? '' : ` · ${duration(h.durationMs)}`;
            return `${STATUS_EMOJI[h.status]} *${toMrkdwn(h.name)}*${time} — ${toMrkdwn(h.detail)}`;
          })
          .join('\n'),
      );
  }
}

/** A label and items as compact context lines (`✅ A · ✅ B · …`), split across elements and blocks. */
function contextLines(label: string, items: string[]): ContextBlock[] {
  const texts: string[] = [];
  let current = label;
  for (const item of items) {
    const next = `${current}${current === label ? ': ' : ' · '}${item}`;
    if (next.length > SLACK_LIMITS.contextElementText) {
      texts.push(current);
      current = item;
    } else current = next;
  }
  texts.push(current);
  return chunk(
    texts.flatMap((t) => splitText(t, SLACK_LIMITS.contextElementText)),
    SLACK_LIMITS.contextElements,
  ).map((elements) => ({
    type: 'context',
    elements: elements.map(mrkdwn),
  }));
}

/** "✅ 21 · ❌ 2 · ⏳ 1": how many of each status. */
function tally(items: { status: keyof typeof STATUS_EMOJI }[]): string {
  const counts = new Map<keyof typeof STATUS_EMOJI, number>();
  for (const i of items) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${STATUS_EMOJI[status]} ${n}`).join(' · ');
}

/** The Slack `action_id` of a plan button (`plan_approve`, `plan_reject`); its `value` is the plan id alone. */
export const PLAN_ACTION_ID = { approve: 'plan_approve', reject: 'plan_reject' } as const;

function planButtons(block: Extract<MessageBlock, { type: 'plan-actions' }>): KnownBlock {
  return {
    type: 'actions',
    block_id: `plan:${block.planId}`,
    elements: block.actions.map((action) => ({
      type: 'button',
      action_id: PLAN_ACTION_ID[action],
      text: { type: 'plain_text', text: action === 'approve' ? 'Approve' : 'Reject' },
      value: block.planId,
      style: action === 'approve' ? 'primary' : 'danger',
    })),
  };
}
