import { afterEach, describe, expect, it } from 'vitest';
import { postActivity, postSlashCommand, teamsActivity, teamsCardAction } from '../../lab/chat/index.js';
import { cardText, slackText, waitFor } from '../chat/helpers.js';
import { clickPlan, slackPlanCard } from './bot-process.js';
import { BOB_TEAMS, type ChatBot, startChatBot } from './chat-bot.js';
import { callsTo, eventsOf } from './lab-approvals.js';

let bot: ChatBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const cardOf = (activity: Record<string, unknown>) => (activity.attachments as { content: unknown }[] | undefined)?.[0]?.content;

/**
 * Plans that expire while nobody clicks: the sweep (every 100 ms here, every minute in the bot)
 * rewrites the posted cards as expired — Slack through chat.update, Teams through updateActivity —
 * and audits it; a click after that is refused and applies nothing.
 */
describe('the expiry sweep', () => {
  it('rewrites the Slack and Teams cards of plans nobody decided as expired; a later click is refused', async () => {
    let clock = Date.now();
    bot = await startChatBot('mailbox-imap-disabled', { now: () => new Date(clock), sweepIntervalMs: 100 });
    const { slack, connector, lab, store, slackUrl, teamsUrl } = bot;

    // A plan in Slack (for fabrikam, in its channel) and one in Teams (for contoso): two targets.
    await postSlashCommand(slackUrl, slack, { text: 'fix exchange-catchall-mailbox', channelId: 'C0LABFAB01' });
    const slackCard = await slackPlanCard(slack);
    expect(slackCard.message.text).toBe('Fix exchange-catchall-mailbox on fabrikam: waiting for approval (0/1)');
    const asked = teamsActivity({ serviceUrl: connector.serviceUrl, text: 'fix exchange-catchall-mailbox', scope: 'channel' });
    expect((await postActivity(teamsUrl, asked, bot.teamsAuth())).status).toBe(200);
    const teamsCard = await waitFor(
      () => connector.activities.find((a) => JSON.stringify(a.activity).includes('Action.Execute')),
      20_000,
      'the Teams plan card',
    );
    const teamsPlanId = /"planId":"(p-[^"]+)"/.exec(JSON.stringify(teamsCard.activity))?.[1] as string;
    expect(cardText(cardOf(teamsCard.activity))).toContain('Fix exchange-catchall-mailbox on contoso: waiting for approval (0/1)');
    const updatesBefore = slack.calls.filter((c) => c.method === 'chat.update').length;
    const putsBefore = callsTo(lab, 'PUT /v3/conversations');

    // Half an hour passes (approvals.expiresMinutes defaults to 30) without a click.
    clock += 31 * 60_000;
    await waitFor(() => slackCard.message.text.includes('expired'), 5000, 'the Slack card rewritten as expired');
    expect(slackCard.message.text).toBe('Fix exchange-catchall-mailbox on fabrikam: expired, nothing was applied');
    expect(slackCard.message.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(slackText(slackCard.message.blocks)).toMatch(/expired at \S+ without enough approvals/);
    const updates = slack.calls.filter((c) => c.method === 'chat.update').slice(updatesBefore);
    expect(updates.map((c) => c.args.ts)).toEqual([slackCard.message.ts]);

    await waitFor(() => cardText(cardOf(teamsCard.activity)).includes('expired'), 5000, 'the Teams card rewritten as expired');
    expect(cardText(cardOf(teamsCard.activity))).toContain('Fix exchange-catchall-mailbox on contoso: expired, nothing was applied');
    expect(JSON.stringify(teamsCard.activity)).not.toContain('Action.Execute');
    expect(callsTo(lab, 'PUT /v3/conversations')).toBe(putsBefore + 1);

    for (const planId of [slackCard.planId, teamsPlanId]) expect(eventsOf(store, planId)).toEqual(['requested', 'expired']);

    // The sweep runs on, but each card was rewritten once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.calls.filter((c) => c.method === 'chat.update').length).toBe(updatesBefore + 1);

    // Late clicks: refused to the clicker, nothing applied, nothing more audited.
    expect((await clickPlan(slackUrl, slack, slackCard, 'U0LABBOB01')).status).toBe(200);
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABBOB01'), 5000, 'the refusal');
    expect(refusal.text).toBe('This plan is expired; nothing was changed by this click.');
    const late = await postActivity(
      teamsUrl,
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'approve',
        data: { planId: teamsPlanId },
        replyToId: teamsCard.id,
        from: BOB_TEAMS,
        scope: 'channel',
      }),
      bot.teamsAuth(),
    );
    expect(cardText((JSON.parse(late.body) as { value: unknown }).value)).toContain('expired, nothing was applied');
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
    for (const planId of [slackCard.planId, teamsPlanId]) expect(eventsOf(store, planId)).toEqual(['requested', 'expired']);
  }, 60_000);
});
