import { SNOOZE_CHOICES_MS } from '../monitor/contract.js';
import { snoozeLabel } from './alert-blocks.js';
import type { AlertAction, MessageBlock } from './message.js';

type AlertActionsBlock = Extract<MessageBlock, { type: 'alert-actions' }>;
type CardElement = { type: string } & Record<string, unknown>;

/** The `Action.Execute` verb of each alert button (the `Action.Submit` fallback carries it as `verb`). */
export const ALERT_VERB: Record<AlertAction, string> = {
  acknowledge: 'alert.ack',
  snooze: 'alert.snooze',
  fix: 'alert.fix',
  run: 'alert.run',
};

/** The ids of the card's inputs: Teams adds their values to the clicked button's data under these names. */
export const ALERT_INPUT = { reason: 'alertReason', snooze: 'alertSnoozeMs' } as const;

const TITLE: Record<AlertAction, string> = { acknowledge: 'Acknowledge', snooze: 'Snooze', fix: 'Fix', run: 'Run check now' };

/**
 * An alert's controls as Adaptive Card 1.5 elements: a reason (and a snooze duration) the
 * Acknowledge and Snooze buttons send with them, then `Action.Execute` buttons that carry only the
 * alert id, each with an `Action.Submit` fallback for clients without Universal Actions.
 */
export function alertActionElements(block: AlertActionsBlock): CardElement[] {
  if (block.actions.length === 0) return [];
  const takesReason = block.actions.some((a) => a === 'acknowledge' || a === 'snooze');
  const inputs: CardElement[] = [];
  if (takesReason) {
    inputs.push({
      type: 'Input.Text',
      id: ALERT_INPUT.reason,
      label: 'Why (for Acknowledge and Snooze; it goes in the audit log)',
      placeholder: 'e.g. the vendor is changing its IPs',
      maxLength: 500,
      isRequired: true,
      errorMessage: 'Say why, in a few words.',
    });
  }
  if (block.actions.includes('snooze')) {
    inputs.push({
      type: 'Input.ChoiceSet',
      id: ALERT_INPUT.snooze,
      label: 'Snooze for',
      style: 'compact',
      value: String(SNOOZE_CHOICES_MS[0]),
      choices: SNOOZE_CHOICES_MS.map((ms) => ({ title: snoozeLabel(ms), value: String(ms) })),
    });
  }
  const actions = block.actions.map((action) => {
    const data = { alertId: block.alertId };
    const withInputs = action === 'acknowledge' || action === 'snooze';
    // Fix and Run check now send no inputs, so an empty reason does not stop them.
    const associatedInputs = withInputs ? 'auto' : 'none';
    const title = TITLE[action];
    return {
      type: 'Action.Execute',
      title,
      verb: ALERT_VERB[action],
      data,
      associatedInputs,
      ...(action === 'acknowledge' ? { style: 'positive' } : {}),
      fallback: { type: 'Action.Submit', title, data: { ...data, verb: ALERT_VERB[action] }, associatedInputs },
    };
  });
  return [
    ...(inputs.length > 0 ? [{ type: 'Container', separator: true, spacing: 'Medium', items: inputs }] : []),
    { type: 'ActionSet', actions },
  ];
}
