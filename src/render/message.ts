import type { CheckStatus } from '../engine/result.js';

/**
 * The one neutral reply model. Commands produce a `Message`; `text.ts` (console/CLI), `blocks.ts`
 * (Slack Block Kit) and `cards.ts` (Adaptive Cards) render it. Inline text may use `*bold*` and
 * `` `code` `` only; renderers translate.
 */
export interface Message {
  /** The first line: what a user most needs, e.g. "2 failing, 1 warning, 19 passing — connector IPs, catch-all rule". */
  summary: string;
  tone: 'ok' | 'warn' | 'bad' | 'info' | 'error';
  blocks: MessageBlock[];
  /** Long evidence: a thread reply in Slack, a collapsible section in Teams, printed after in text. */
  details?: MessageBlock[];
  /** Only the asker sees it (usage errors). */
  ephemeral?: boolean;
  /** Still running (progress update). */
  inProgress?: boolean;
}

export type MessageBlock =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'code'; text: string }
  | {
      type: 'check';
      id: string;
      title: string;
      status: CheckStatus;
      detail: string;
      remediation?: string;
      command?: string;
      /** Key evidence, short. */
      evidence?: { label: string; value: string }[];
    }
  /** Passing (or pending) checks folded into one line each. */
  | { type: 'folded'; label: string; items: { id: string; title: string; status: CheckStatus | 'pending' }[] }
  /** test-email hops. */
  | { type: 'hops'; hops: { name: string; status: 'pass' | 'fail' | 'error' | 'skip'; durationMs?: number; detail: string }[] }
  | { type: 'divider' };

export const STATUS_EMOJI: Record<CheckStatus | 'pending', string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '❓',
  skip: '⏭️',
  pending: '⏳',
};
