import type { types } from '@slack/bolt';
import { SNOOZE_CHOICES_MS } from '../../monitor/contract.js';
import { snoozeLabel } from '../../render/alert-blocks.js';
import { toMrkdwn } from '../../render/blocks.js';

/** The modal that asks why, before an acknowledge or a snooze counts. */
export const ALERT_REASON_CALLBACK = 'alert_reason';

const BLOCK = { reason: 'reason', duration: 'duration' } as const;
const REASON_MAX = 500;

/** What the modal is about; kept in its `private_metadata`, which Slack hands back with the submission. */
export interface ReasonRequest {
  action: 'acknowledge' | 'snooze';
  alertId: string;
  /** The duration picked on the message (snooze). */
  durationMs?: number;
  /** The clicked message: its channel, ts, and the thread it belongs to. */
  channel: string;
  messageTs: string;
  threadTs: string;
}

/** The modal view: the alert's summary, the duration (snooze), and the reason. */
export function reasonModal(request: ReasonRequest, summary: string): types.ModalView {
  const snooze = request.action === 'snooze';
  const blocks: types.KnownBlock[] = [];
  if (summary.trim().length > 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: toMrkdwn(summary).slice(0, 2900), verbatim: true } });
  if (snooze) {
    const options = SNOOZE_CHOICES_MS.map((ms) => ({ text: { type: 'plain_text' as const, text: snoozeLabel(ms) }, value: String(ms) }));
    const initial = options.find((o) => o.value === String(request.durationMs)) ?? options[0];
    blocks.push({
      type: 'input',
      block_id: BLOCK.duration,
      label: { type: 'plain_text', text: 'Snooze for' },
      element: { type: 'static_select', action_id: BLOCK.duration, options, ...(initial ? { initial_option: initial } : {}) },
    });
  }
  blocks.push({
    type: 'input',
    block_id: BLOCK.reason,
    label: { type: 'plain_text', text: 'Why' },
    hint: { type: 'plain_text', text: 'It goes in the audit log and on the alert, with your name.' },
    element: {
      type: 'plain_text_input',
      action_id: BLOCK.reason,
      multiline: true,
      max_length: REASON_MAX,
      placeholder: { type: 'plain_text', text: 'e.g. the vendor is changing its IPs' },
    },
  });
  return {
    type: 'modal',
    callback_id: ALERT_REASON_CALLBACK,
    private_metadata: JSON.stringify(request),
    title: { type: 'plain_text', text: snooze ? 'Snooze the alert' : 'Acknowledge the alert' },
    submit: { type: 'plain_text', text: snooze ? 'Snooze' : 'Acknowledge' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

/**
 * What a submitted modal asks for, or the errors to show next to its inputs (Slack's
 * `response_action: 'errors'`). The request comes back from Slack as the bot wrote it.
 */
export function readReasonModal(view: {
  private_metadata?: string;
  state?: { values?: StateValues };
}): { request: ReasonRequest; reason: string } | { errors: Record<string, string> } {
  let request: ReasonRequest;
  try {
    request = JSON.parse(view.private_metadata ?? '') as ReasonRequest;
  } catch {
    return { errors: { [BLOCK.reason]: 'This form is from another version of mailsetup; close it and click the button again.' } };
  }
  const values = view.state?.values ?? {};
  const reason = (values[BLOCK.reason]?.[BLOCK.reason]?.value ?? '').trim();
  if (reason.length === 0) return { errors: { [BLOCK.reason]: 'Say why, in a few words.' } };
  if (request.action === 'snooze') {
    const picked = Number(values[BLOCK.duration]?.[BLOCK.duration]?.selected_option?.value);
    if (!Number.isSafeInteger(picked) || picked <= 0) return { errors: { [BLOCK.duration]: 'Choose how long to snooze the alert.' } };
    request = { ...request, durationMs: picked };
  }
  return { request, reason };
}
