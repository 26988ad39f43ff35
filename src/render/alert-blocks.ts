import type { types } from '@slack/bolt';
import { SNOOZE_CHOICES_MS } from '../monitor/contract.js';
import type { MessageBlock } from './message.js';

type AlertActionsBlock = Extract<MessageBlock, { type: 'alert-actions' }>;

/**
 * The Slack `action_id` of each alert control. Buttons carry the alert id alone as `value`; the
 * snooze menu's options carry the alert id and the duration (`<alert id>|<ms>`).
 */
export const ALERT_ACTION_ID = { acknowledge: 'alert_ack', snooze: 'alert_snooze', fix: 'alert_fix', run: 'alert_run' } as const;

/** A snooze duration as the buttons and menus show it: "1 h", "4 h", "24 h". */
export function snoozeLabel(ms: number): string {
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} h` : `${Math.round(ms / 60_000)} min`;
}

/** The value of a snooze menu option. */
export function snoozeOptionValue(alertId: string, durationMs: number): string {
  return `${alertId}|${durationMs}`;
}

/** The alert id and duration of a snooze menu option, or undefined when the value is not one. */
export function parseSnoozeOptionValue(value: string): { alertId: string; durationMs: number } | undefined {
  const at = value.lastIndexOf('|');
  if (at <= 0) return undefined;
  const durationMs = Number(value.slice(at + 1));
  return Number.isSafeInteger(durationMs) && durationMs > 0 ? { alertId: value.slice(0, at), durationMs } : undefined;
}

/** An alert's controls as one Block Kit `actions` block: Acknowledge, a Snooze menu, Fix, Run check now. */
export function alertActionsBlock(block: AlertActionsBlock): types.ActionsBlock {
  const elements: types.ActionsBlock['elements'] = [];
  for (const action of block.actions) {
    switch (action) {
      case 'acknowledge':
        elements.push(button(ALERT_ACTION_ID.acknowledge, 'Acknowledge', block.alertId, 'primary'));
        break;
      case 'snooze':
        elements.push({
          type: 'static_select',
          action_id: ALERT_ACTION_ID.snooze,
          placeholder: { type: 'plain_text', text: 'Snooze…' },
          options: SNOOZE_CHOICES_MS.map((ms) => ({
            text: { type: 'plain_text', text: `Snooze ${snoozeLabel(ms)}` },
            value: snoozeOptionValue(block.alertId, ms),
          })),
        });
        break;
      case 'fix':
        elements.push(button(ALERT_ACTION_ID.fix, 'Fix', block.alertId));
        break;
      case 'run':
        elements.push(button(ALERT_ACTION_ID.run, 'Run check now', block.alertId));
        break;
    }
  }
  return { type: 'actions', block_id: `alert:${block.alertId}`, elements };
}

function button(actionId: string, text: string, value: string, style?: 'primary'): types.Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value, ...(style ? { style } : {}) };
}
