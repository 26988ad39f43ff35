import type { CheckStatus } from '../engine/result.js';

/**
 * The one neutral reply model. Commands produce a `Message`; `text.ts` (console/CLI), `blocks.ts`
 * (Slack Block Kit) and `cards.ts` (Adaptive Cards) render it. Inline text may use `*bold*` and
 * `` `code` `` only; renderers translate. A command for the bot is written in its CLI form as a
 * code span, `` `mailsetup check erp` `` (see `botCommand`); each renderer shows it in the form of
 * its place (`/mailsetup check erp` in Slack, `@mailsetup check erp` in Teams).
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
  /**
   * Passing (or pending) checks folded: a count, with the list behind a toggle (Teams) or in the
   * thread (Slack).
   */
  | { type: 'folded'; label: string; items: { id: string; title: string; status: CheckStatus | 'pending' }[] }
  /** A small table (evidence: setting, observed, expected), under a title. */
  | { type: 'table'; title: string; columns: string[]; rows: string[][] }
  /** test-email hops. */
  | { type: 'hops'; hops: { name: string; status: 'pass' | 'fail' | 'error' | 'skip'; durationMs?: number; detail: string }[] }
  | { type: 'divider' }
  /**
   * A fix plan's Approve / Reject buttons. They carry only the plan id; who clicked comes from the
   * platform's verified payload. `refreshUserIds`: the Entra object ids of the approvers, who see
   * the live buttons in Teams (refresh).
   */
  | { type: 'plan-actions'; planId: string; actions: PlanAction[]; refreshUserIds?: string[] }
  /**
   * An alert's buttons: Acknowledge, Snooze (1 h / 4 h / 24 h, with a reason), Fix (when the check
   * is fixable), Run check now. They carry only the alert id (see `src/monitor/contract.ts`).
   */
  | { type: 'alert-actions'; alertId: string; actions: AlertAction[] };

export type PlanAction = 'approve' | 'reject';
export type AlertAction = 'acknowledge' | 'snooze' | 'fix' | 'run';

export const STATUS_EMOJI: Record<CheckStatus | 'pending', string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '❓',
  skip: '⏭️',
  pending: '⏳',
};

/** How the bot's commands are written in neutral text: the CLI's name. */
const NEUTRAL_PREFIX = 'mailsetup';

/** A command for the bot in neutral inline text: `botCommand('check erp')` → `` `mailsetup check erp` ``. */
export function botCommand(line: string): string {
  return `\`${NEUTRAL_PREFIX} ${line}\``;
}

/**
 * Neutral bot commands (`` `mailsetup …` `` code spans) in the form of the place they are read,
 * e.g. with prefix `/mailsetup` for Slack.
 */
export function placeCommands(text: string, prefix: string): string {
  return prefix === NEUTRAL_PREFIX ? text : text.replace(/`mailsetup (?=[a-z])/g, `\`${prefix} `);
}

/** A check's `command` field: a bot command (`mailsetup check x`) in the place's form; any other command as it is. */
export function placeCommandLine(command: string, prefix: string): string {
  return prefix === NEUTRAL_PREFIX ? command : command.replace(/^mailsetup (?=[a-z])/, `${prefix} `);
}
