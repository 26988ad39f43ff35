import { describe, expect, it } from 'vitest';
import { readReasonModal, reasonModal } from '../../src/chat/slack/alert-modal.js';
import { parseSnoozeOptionValue, snoozeOptionValue } from '../../src/render/alert-blocks.js';
import { renderBlocks } from '../../src/render/blocks.js';
import { renderCards } from '../../src/render/cards.js';
import { renderText } from '../../src/render/text.js';
import { ALERT_ID, alertRoot } from './alert-fakes.js';
import { cardText, slackText } from './helpers.js';

type Element = Record<string, unknown> & { type: string };
const actionsBlock = (blocks: unknown[]) =>
  blocks.find((b) => (b as { type: string }).type === 'actions') as { block_id: string; elements: Element[] } | undefined;

function cardElements(node: unknown, out: Element[] = []): Element[] {
  if (Array.isArray(node)) for (const n of node) cardElements(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Element;
    if (typeof o.type === 'string') out.push(o);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback') cardElements(v, out);
  }
  return out;
}

describe('the alert-actions block in Slack Block Kit', () => {
  it('Acknowledge, a Snooze menu (1 h / 4 h / 24 h), Fix and Run check now, carrying only the alert id (and the duration)', () => {
    const { main } = renderBlocks(alertRoot('firing since 10:05 UTC'));
    const actions = actionsBlock(main.blocks);
    expect(actions?.block_id).toBe(`alert:${ALERT_ID}`);
    expect(actions?.elements).toEqual([
      { type: 'button', action_id: 'alert_ack', text: { type: 'plain_text', text: 'Acknowledge' }, value: ALERT_ID, style: 'primary' },
      {
        type: 'static_select',
        action_id: 'alert_snooze',
        placeholder: { type: 'plain_text', text: 'Snooze…' },
        options: [
          { text: { type: 'plain_text', text: 'Snooze 1 h' }, value: `${ALERT_ID}|3600000` },
          { text: { type: 'plain_text', text: 'Snooze 4 h' }, value: `${ALERT_ID}|14400000` },
          { text: { type: 'plain_text', text: 'Snooze 24 h' }, value: `${ALERT_ID}|86400000` },
        ],
      },
      { type: 'button', action_id: 'alert_fix', text: { type: 'plain_text', text: 'Fix' }, value: ALERT_ID },
      { type: 'button', action_id: 'alert_run', text: { type: 'plain_text', text: 'Run check now' }, value: ALERT_ID },
    ]);
    // The controls come after what the alert says.
    expect(main.blocks.at(-1)).toBe(actions);
    expect(slackText(main.blocks)).toContain('Mail to unknown addresses at contoso.test now bounces');
  });

  it('offers Fix only when the alert lists it, and no controls at all on a resolved alert', () => {
    const unfixable = actionsBlock(renderBlocks(alertRoot('firing', { actions: ['acknowledge', 'snooze', 'run'] })).main.blocks);
    expect(unfixable?.elements.map((e) => e.action_id)).toEqual(['alert_ack', 'alert_snooze', 'alert_run']);
    expect(actionsBlock(renderBlocks(alertRoot('resolved', { actions: [] })).main.blocks)).toBeUndefined();
  });

  it('a snooze option value round-trips, and anything else is not one', () => {
    expect(parseSnoozeOptionValue(snoozeOptionValue('al-a|b', 14_400_000))).toEqual({ alertId: 'al-a|b', durationMs: 14_400_000 });
    for (const bad of ['', 'al-1', '|3600000', 'al-1|soon', 'al-1|-5', 'al-1|1.5']) expect(parseSnoozeOptionValue(bad)).toBeUndefined();
  });

  it('the text rendering names the verbs instead of buttons', () => {
    expect(renderText(alertRoot('firing'))).toContain(`mailsetup alerts ack ${ALERT_ID} <reason>`);
  });
});

describe('the reason modal (Acknowledge, Snooze)', () => {
  const place = { channel: 'C0LABALERT', messageTs: '1700000000.000100', threadTs: '1700000000.000100' };

  it('snooze: the duration chosen on the message is preselected; the submission gives the duration and the trimmed reason', () => {
    const view = reasonModal(
      { action: 'snooze', alertId: ALERT_ID, durationMs: 14_400_000, ...place },
      'contoso: the catch-all rule is disabled',
    );
    expect(view.title.text).toBe('Snooze the alert');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    const duration = view.blocks.find((b) => b.block_id === 'duration') as { element: { initial_option: { value: string } } };
    expect(duration.element.initial_option.value).toBe('14400000');
    const state = (reason: string | null, ms: string | null) => ({
      private_metadata: view.private_metadata,
      state: {
        values: {
          reason: { reason: { value: reason } },
          duration: { duration: { selected_option: ms === null ? null : { value: ms } } },
        },
      },
    });
    expect(readReasonModal(state('  maintenance  ', '86400000'))).toEqual({
      request: { action: 'snooze', alertId: ALERT_ID, durationMs: 86_400_000, ...place },
      reason: 'maintenance',
    });
    expect(readReasonModal(state(' ', '86400000'))).toEqual({ errors: { reason: 'Say why, in a few words.' } });
    expect(readReasonModal(state('why', null))).toEqual({ errors: { duration: 'Choose how long to snooze the alert.' } });
  });

  it('acknowledge: no duration; a form from elsewhere is answered with an error, not a crash', () => {
    const view = reasonModal({ action: 'acknowledge', alertId: ALERT_ID, ...place }, '');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['reason']);
    expect(view.submit?.text).toBe('Acknowledge');
    expect(readReasonModal({ private_metadata: 'not json', state: { values: {} } })).toEqual({
      errors: { reason: 'This form is from another version of mailsetup; close it and click the button again.' },
    });
  });
});

describe('the alert-actions block in an Adaptive Card (Teams)', () => {
  it('a reason and a snooze duration, then Action.Execute buttons with the alert id, each with an Action.Submit fallback', () => {
    const [card] = renderCards(alertRoot('firing since 10:05 UTC')).cards;
    expect(card?.version).toBe('1.5');
    const all = cardElements(card);
    expect(all.find((e) => e.type === 'Input.Text')).toMatchObject({ id: 'alertReason', isRequired: true, maxLength: 500 });
    expect(all.find((e) => e.type === 'Input.ChoiceSet')).toMatchObject({
      id: 'alertSnoozeMs',
      value: '3600000',
      choices: [
        { title: '1 h', value: '3600000' },
        { title: '4 h', value: '14400000' },
        { title: '24 h', value: '86400000' },
      ],
    });
    const buttons = all.filter((e) => e.type === 'Action.Execute');
    expect(buttons.map((b) => [b.title, b.verb, b.data, b.associatedInputs])).toEqual([
      ['Acknowledge', 'alert.ack', { alertId: ALERT_ID }, 'auto'],
      ['Snooze', 'alert.snooze', { alertId: ALERT_ID }, 'auto'],
      ['Fix', 'alert.fix', { alertId: ALERT_ID }, 'none'],
      ['Run check now', 'alert.run', { alertId: ALERT_ID }, 'none'],
    ]);
    for (const b of buttons) {
      expect(b.fallback).toEqual({
        type: 'Action.Submit',
        title: b.title,
        data: { alertId: ALERT_ID, verb: b.verb },
        associatedInputs: b.associatedInputs,
      });
    }
    expect(cardText(card)).toContain('contoso: the catch-all rule is disabled — firing since 10:05 UTC');
  });

  it('without Acknowledge and Snooze there is nothing to type; a resolved alert has no controls', () => {
    const [fixOnly] = renderCards(alertRoot('acknowledged', { actions: ['fix', 'run'] })).cards;
    const all = cardElements(fixOnly);
    expect(all.some((e) => e.type.startsWith('Input.'))).toBe(false);
    expect(all.filter((e) => e.type === 'Action.Execute').map((e) => e.verb)).toEqual(['alert.fix', 'alert.run']);
    const [resolved] = renderCards(alertRoot('resolved', { actions: [] })).cards;
    expect(cardElements(resolved).some((e) => e.type === 'ActionSet' || e.type.startsWith('Input.'))).toBe(false);
  });
});
