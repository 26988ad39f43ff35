import { afterEach, describe, expect, it } from 'vitest';
import { blockActionsPayload, slashCommandPayload } from '../../lab/chat/index.js';
import type { FakeSlack } from '../../lab/chat/slack-api.js';
import { slackText, waitFor } from '../chat/helpers.js';
import { slackPlanCard } from './bot-process.js';
import { type ChatBot, startChatBot } from './chat-bot.js';
import { callsTo, eventsOf } from './lab-approvals.js';

let bot: ChatBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A click on the card's button, delivered as Slack does in Socket Mode: an `interactive` envelope. */
function clickOverSocket(slack: FakeSlack, card: Awaited<ReturnType<typeof slackPlanCard>>, userId: string, actionId = 'plan_approve') {
  return slack.socket.send(
    'interactive',
    blockActionsPayload(slack, {
      actionId,
      value: card.planId,
      channelId: card.message.channel,
      messageTs: card.message.ts,
      userId,
      userName: userId,
    }),
  );
}

describe('Slack Socket Mode: plan Approve / Reject through Bolt', () => {
  it('the envelope is acknowledged before the apply finishes, the plan applied once, the card updated to applied · verified', async () => {
    bot = await startChatBot('mailbox-imap-disabled', { slackMode: 'socket' });
    const { slack, lab, store } = bot;
    expect(slack.socket.connections).toBe(1);
    const asked = await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'fix exchange-catchall-mailbox' }));
    expect(asked.envelope_id).toBeTruthy();
    const card = await slackPlanCard(slack);
    expect(slackText(card.message.blocks)).toContain('Fix exchange-catchall-mailbox on contoso: waiting for approval (0/1)');

    // Ada asked: her click is answered only to her, and nothing changes.
    const self = await clickOverSocket(slack, card, 'U0LABADA01');
    expect(self.envelope_id).toBeTruthy();
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABADA01'), 5000, 'the refusal');
    expect(refusal.text).toBe('You asked for this fix, so another approver has to approve it.');

    // The write is held at the lab for a moment: the ack must not wait for it.
    lab.inject({ service: 'exchange', match: 'Set-CASMailbox', kind: 'latency', ms: 800, times: 1 });
    const sent = Date.now();
    const ack = await clickOverSocket(slack, card, 'U0LABBOB01');
    expect(ack.at - sent).toBeLessThan(300);
    expect(card.message.text).not.toContain('applied');
    await waitFor(() => card.message.text.includes('applied · verified'), 20_000, 'the card to say applied · verified');
    expect(card.message.versions.some((v) => v.text.includes('approved 1/1 · applying'))).toBe(true);
    expect(card.message.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(1);
    expect(slack.calls.filter((c) => c.method === 'chat.update').every((c) => c.args.ts === card.message.ts)).toBe(true);
    expect(eventsOf(store, card.planId)).toEqual(['requested', 'refused', 'approved', 'applying', 'applied', 'verified']);
    // Every envelope the fake sent was acknowledged.
    expect(slack.socket.acks.length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('Reject over Socket Mode closes the plan: the card says who rejected it and nothing is applied', async () => {
    bot = await startChatBot('mailbox-imap-disabled', { slackMode: 'socket' });
    const { slack, lab, store } = bot;
    await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'fix exchange-catchall-mailbox' }));
    const card = await slackPlanCard(slack);
    const ack = await clickOverSocket(slack, card, 'U0LABCAR01', 'plan_reject');
    expect(ack.envelope_id).toBeTruthy();
    await waitFor(() => card.message.text.includes('rejected'), 10_000, 'the rejected card');
    expect(card.message.text).toBe('Fix exchange-catchall-mailbox on contoso: rejected');
    expect(slackText(card.message.blocks)).toContain('rejected by U0LABCAR01');
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
    expect(eventsOf(store, card.planId)).toEqual(['requested', 'rejected']);
  }, 60_000);
});
