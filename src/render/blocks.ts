import type { types } from '@slack/bolt';
import { chunk, splitText } from './blocks-split.js';
import { type Message, type MessageBlock, STATUS_EMOJI } from './message.js';

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

/** Renders a Message as Block Kit, split so that no Slack limit is exceeded and nothing is cut. */
export function renderBlocks(message: Message, options: { maxBlocks?: number } = {}): SlackRendering {
  const max = options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage;
  const body = [...summaryBlocks(message), ...message.blocks.flatMap(blockToSlack)];
  const hasDetails = (message.details?.length ?? 0) > 0 && !message.inProgress;
  const note = (text: string): ContextBlock => ({ type: 'context', elements: [mrkdwn(text)] });

  let mainBlocks: KnownBlock[];
  const thread: SlackPayload[] = [];
  if (body.length + (hasDetails ? 1 : 0) <= max) {
    mainBlocks = body;
    if (hasDetails) mainBlocks.push(note('🧵 The evidence (observed vs. expected) is in the thread.'));
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

  if (hasDetails) {
    const evidence = (message.details ?? []).flatMap(blockToSlack);
    const parts = chunk(evidence, max - 1);
    for (const [i, blocks] of parts.entries()) {
      thread.push({
        text: fallback(`Evidence: ${message.summary}`),
        blocks: [note(parts.length > 1 ? `*Evidence* (${i + 1} of ${parts.length})` : '*Evidence* (observed vs. expected)'), ...blocks],
      });
    }
  }
  return { main: { text: fallback(message.summary), blocks: mainBlocks }, thread };
}

/** All blocks of a Message for a surface that takes one list (the App Home view), capped at `max`. */
export function blocksForView(message: Message, max: number = SLACK_LIMITS.blocksPerView): KnownBlock[] {
  const all = [...summaryBlocks(message), ...message.blocks.flatMap(blockToSlack)];
  if (all.length <= max) return all;
  return [
    ...all.slice(0, max - 1),
    {
      type: 'context',
      elements: [mrkdwn(`…and ${all.length - max + 1} more blocks: run \`/mailsetup status\` in a channel for the full reply.`)],
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

export function blockToSlack(block: MessageBlock): KnownBlock[] {
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
      const items = block.items.map((i) => `${STATUS_EMOJI[i.status]} ${toMrkdwn(i.title)}`);
      return contextLines(`*${toMrkdwn(block.label)}*`, items);
    }
    case 'hops':
      return sections(
        block.hops
          .map((h) => {
            const time = h.durationMs === undefined ? '' : ` · ${formatMs(h.durationMs)}`;
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

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
