import { alertActionElements } from './alert-cards.js';
import { splitText } from './blocks-split.js';
import { parseInline, toCardMarkdown } from './cards-inline.js';
import { forPlace } from './for-place.js';
import { type Message, type MessageBlock, STATUS_EMOJI } from './message.js';
import { duration } from './time.js';

/** One Adaptive Card element (TextBlock, RichTextBlock, FactSet, ActionSet, Container, …). */
export type CardElement = { type: string } & Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  msteams?: { width: 'Full' };
  /** Universal Actions: who gets a fresh, user-specific version of the card (the approvers' buttons). */
  refresh?: { action: CardElement; userIds: string[] };
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export const TEAMS_LIMITS = {
  /** Teams refuses a bot message over about 28 KB (the whole activity). */
  activityBytes: 28_000,
  /** What we allow the card itself, leaving room for the activity around it. */
  cardBytes: 26_000,
  /** Longest line in one TextRun; longer lines wrap into the next run (nothing is cut). */
  lineChars: 2000,
} as const;

type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const TONE_COLOR: Record<Message['tone'], Color> = { ok: 'Good', warn: 'Warning', bad: 'Attention', info: 'Default', error: 'Accent' };
const TONE_EMOJI: Record<Message['tone'], string> = { ok: '✅', warn: '⚠️', bad: '❌', info: 'ℹ️', error: '❓' };
const STATUS_COLOR: Record<string, Color> = {
  pass: 'Good',
  warn: 'Warning',
  fail: 'Attention',
  error: 'Accent',
  skip: 'Default',
  pending: 'Default',
};

export interface CardRendering {
  /** The first card is the message that is sent and then updated in place; the others follow it. */
  cards: AdaptiveCard[];
}

interface LineStyle {
  size?: 'Small' | 'Default' | 'Medium' | 'Large';
  weight?: 'Default' | 'Bolder';
  color?: Color;
  monospace?: boolean;
  subtle?: boolean;
  separator?: boolean;
  spacing?: 'None' | 'Small' | 'Default' | 'Medium';
}

/**
 * Renders a Message as Adaptive Cards 1.5 for Teams: summary first, then the blocks; folded lists
 * and the evidence (`details`) collapse behind `Action.ToggleVisibility`. A reply larger than a
 * Teams message is split into several cards, never cut.
 */
export function renderCards(input: Message, options: { maxBytes?: number; command?: string } = {}): CardRendering {
  // In Teams the bot is asked by mentioning it.
  const message = forPlace(input, options.command ?? '@mailsetup');
  const maxBytes = options.maxBytes ?? TEAMS_LIMITS.cardBytes;
  // Room for the "continued" notes added after packing.
  const budget = maxBytes - 400;
  const ids = new IdSource();
  const summary = summaryElements(message);
  const groups = message.blocks.map((b) => blockToElements(b, ids));
  const pages = pack([summary, ...groups], budget);

  const details = message.inProgress ? [] : (message.details ?? []);
  if (details.length > 0) {
    const detailElements = details.flatMap((b) => blockToElements(b, ids));
    const id = ids.next('evidence');
    const collapsible = [
      toggle('Show or hide the evidence (setting, observed, expected)', id),
      { type: 'Container', id, isVisible: false, items: detailElements } as CardElement,
    ];
    const last = pages[pages.length - 1] as CardElement[];
    if (bytes(cardOf([...last, ...collapsible])) <= budget) last.push(...collapsible);
    else
      pages.push(
        ...pack(
          [[line('Evidence (setting, observed, expected)', { weight: 'Bolder', separator: true })[0] as CardElement], detailElements],
          budget,
        ),
      );
  }

  const total = pages.length;
  if (total > 1) {
    (pages[0] as CardElement[]).push(
      ...line(`Continued in the next ${total - 1 === 1 ? 'message' : `${total - 1} messages`}.`, { subtle: true, spacing: 'Medium' }),
    );
    for (let i = 1; i < total; i++) {
      (pages[i] as CardElement[]).unshift(...line(`(continued ${i + 1} of ${total}) ${message.summary}`, { subtle: true }));
    }
  }
  const cards = pages.map(cardOf);
  const planActions = message.blocks.find((b) => b.type === 'plan-actions');
  if (planActions?.refreshUserIds && cards[0]) {
    cards[0].refresh = {
      action: { type: 'Action.Execute', verb: 'refresh', data: { planId: planActions.planId } },
      // Teams takes user MRIs; a user's MRI is `8:orgid:` + their Entra object id. At most 60.
      userIds: planActions.refreshUserIds.slice(0, 60).map((id) => `8:orgid:${id}`),
    };
  }
  return { cards };
}

/** The card as Teams wants it in `activity.attachments`. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

function cardOf(body: CardElement[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    msteams: { width: 'Full' },
  };
}

export function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Packs element groups into card bodies within `budget` bytes. A group stays together when it
 * fits a card; a group bigger than a card is opened up (containers unwrapped, so folded content is
 * shown rather than lost) and packed element by element.
 */
function pack(groups: CardElement[][], budget: number): CardElement[][] {
  const empty = bytes(cardOf([]));
  const pages: CardElement[][] = [[]];
  let used = empty;
  const add = (elements: CardElement[]) => {
    const size = elements.reduce((n, e) => n + bytes(e) + 1, 0);
    const page = pages[pages.length - 1] as CardElement[];
    if (used + size <= budget || page.length === 0) {
      page.push(...elements);
      used += size;
      return true;
    }
    return false;
  };
  const next = () => {
    pages.push([]);
    used = empty;
  };
  for (const group of groups) {
    if (group.length === 0) continue;
    const size = group.reduce((n, e) => n + bytes(e) + 1, 0);
    if (empty + size <= budget) {
      if (!add(group)) {
        next();
        add(group);
      }
      continue;
    }
    for (const element of flatten(group)) {
      if (!add([element])) {
        next();
        add([element]);
      }
    }
  }
  return pages;
}

function flatten(elements: CardElement[]): CardElement[] {
  return elements.flatMap((e) => {
    if (e.type === 'ActionSet') return [];
    if (e.type === 'Container' && Array.isArray(e.items)) return flatten(e.items as CardElement[]);
    return [e];
  });
}

class IdSource {
  #n = 0;
  next(prefix: string): string {
    this.#n += 1;
    return `${prefix}-${this.#n}`;
  }
}

function summaryElements(message: Message): CardElement[] {
  const emoji = message.inProgress ? '⏳' : TONE_EMOJI[message.tone];
  return line(`${emoji} ${message.summary.replace(/\*/g, '')}`, { size: 'Medium', weight: 'Bolder', color: TONE_COLOR[message.tone] });
}

/** Text as RichTextBlocks, one per line (TextRuns hold no line breaks reliably across clients). */
function line(text: string, style: LineStyle = {}): CardElement[] {
  const out: CardElement[] = [];
  let gap = false;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') {
      gap = true;
      continue;
    }
    for (const piece of splitText(raw, TEAMS_LIMITS.lineChars)) {
      const inlines = (style.monospace ? [{ text: piece, code: true }] : parseInline(piece)).map((run) =>
        textRun(run.text, { ...style, weight: run.bold ? 'Bolder' : style.weight, monospace: style.monospace || run.code }),
      );
      const first = out.length === 0;
      const block: CardElement = { type: 'RichTextBlock', inlines };
      if (first) {
        if (style.separator) block.separator = true;
        if (style.spacing) block.spacing = style.spacing;
      } else block.spacing = gap ? 'Medium' : 'None';
      out.push(block);
      gap = false;
    }
  }
  return out;
}

function textRun(text: string, style: LineStyle): CardElement {
  const run: CardElement = { type: 'TextRun', text };
  if (style.size && style.size !== 'Default') run.size = style.size;
  if (style.weight === 'Bolder') run.weight = 'Bolder';
  if (style.color && style.color !== 'Default') run.color = style.color;
  if (style.monospace) run.fontType = 'Monospace';
  if (style.subtle) run.isSubtle = true;
  return run;
}

function toggle(title: string, target: string): CardElement {
  return { type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title, targetElements: [target] }] };
}

function blockToElements(block: MessageBlock, ids: IdSource): CardElement[] {
  switch (block.type) {
    case 'heading':
      return line(block.text.replace(/\*/g, ''), { weight: 'Bolder', size: 'Medium', spacing: 'Medium' });
    case 'text':
      return line(block.text);
    case 'divider':
      // A thin rule: an empty-looking element with a separator above it.
      return [{ type: 'RichTextBlock', separator: true, inlines: [{ type: 'TextRun', text: ' ' }] }];
    case 'code':
      return line(block.text, { monospace: true });
    case 'fields':
      return [{ type: 'FactSet', facts: block.fields.map((f) => ({ title: toCardMarkdown(f.label), value: toCardMarkdown(f.value) })) }];
    case 'check': {
      const color = STATUS_COLOR[block.status] ?? 'Default';
      const out: CardElement[] = [
        {
          type: 'RichTextBlock',
          separator: true,
          spacing: 'Medium',
          inlines: [
            textRun(`${STATUS_EMOJI[block.status]} ${block.title}`, { weight: 'Bolder', color }),
            textRun('  ', {}),
            textRun(block.id, { monospace: true, subtle: true }),
          ],
        },
        ...line(block.detail),
      ];
      for (const e of block.evidence ?? []) out.push(...line(`*${e.label}:* ${e.value}`, { subtle: true }));
      if (block.remediation) out.push(...line(`*Fix:* ${block.remediation}`, { spacing: 'Small' }));
      if (block.command) {
        out.push(...line('*Command:*', { spacing: 'Small' }));
        out.push(...line(block.command, { monospace: true }));
      }
      return out;
    }
    case 'folded': {
      const id = ids.next('folded');
      const counts = new Map<string, number>();
      for (const item of block.items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
      const tally = [...counts].map(([status, n]) => `${STATUS_EMOJI[status as keyof typeof STATUS_EMOJI]} ${n}`).join('  ');
      return [
        ...line(`*${block.label}*  ${tally}`, { separator: true, spacing: 'Medium' }),
        toggle(`Show or hide the ${block.items.length} item${block.items.length === 1 ? '' : 's'}`, id),
        {
          type: 'Container',
          id,
          isVisible: false,
          items: block.items.flatMap((i) => line(`${STATUS_EMOJI[i.status]} ${i.title}  \`${i.id}\``)),
        },
      ];
    }
    case 'table':
      return [
        ...line(`*${block.title}*`, { spacing: 'Medium' }),
        {
          type: 'Table',
          gridStyle: 'default',
          firstRowAsHeader: true,
          columns: block.columns.map(() => ({ width: 1 })),
          rows: [block.columns, ...block.rows].map((cells, i) => ({
            type: 'TableRow',
            cells: cells.map((text) => ({
              type: 'TableCell',
              // TextRuns, not TextBlock markdown: a value like `*.mail.protection.outlook.com` shows as written.
              items: [{ type: 'RichTextBlock', inlines: [textRun(text.length > 0 ? text : ' ', i === 0 ? { weight: 'Bolder' } : {})] }],
            })),
          })),
        },
      ];
    case 'alert-actions':
      return alertActionElements(block);
    case 'plan-actions':
      return [
        {
          type: 'ActionSet',
          actions: block.actions.map((verb) => {
            const title = verb === 'approve' ? 'Approve' : 'Reject';
            const data = { planId: block.planId };
            // Clients without Universal Actions send the Action.Submit fallback as a message with `value`.
            return {
              type: 'Action.Execute',
              title,
              verb,
              data,
              style: verb === 'approve' ? 'positive' : 'destructive',
              fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
            };
          }),
        },
      ];
    case 'hops':
      return block.hops.flatMap((h) => {
        const time = h.durationMs === undefined ? '' : ` · ${duration(h.durationMs)}`;
        return line(`${STATUS_EMOJI[h.status]} *${h.name}*${time} — ${h.detail}`);
      });
  }
}
