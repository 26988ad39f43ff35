import { afterEach, describe, expect, it } from 'vitest';
import {
  blockActionsPayload,
  chatLab,
  LAB_TEAMS,
  postActivity,
  postInteraction,
  postSlashCommand,
  teamsActivity,
  teamsCardAction,
} from '../../lab/chat/index.js';
import type { Lab } from '../../lab/index.js';
import { cardText, slackText, waitFor } from '../chat/helpers.js';
import { BOB_AAD, BOB_TEAMS, type ChatBot, startChatBot } from './chat-bot.js';
import { callsTo, eventsOf } from './lab-approvals.js';

let bot: ChatBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const startBot = (scenario: string, approvals: Record<string, unknown> = {}) => startChatBot(scenario, { approvals });

function fakeSlack(lab: Lab) {
  const slack = chatLab(lab.state)?.slack;
  if (!slack) throw new Error('no fake Slack');
  return slack;
}

/** The plan card Slack shows, once the `fix` reply is final: its ts and the Approve button's value. */
async function slackPlanCard(lab: Lab) {
  const slack = fakeSlack(lab);
  const message = await waitFor(
    () => slack.messages.find((m) => !m.threadTs && m.blocks.some((b) => (b as { type: string }).type === 'actions')),
    20_000,
    'the plan card',
  );
  const actions = message.blocks.find((b) => (b as { type: string }).type === 'actions') as {
    elements: { action_id: string; value: string }[];
  };
  const approve = actions.elements.find((e) => e.action_id === 'plan_approve');
  if (!approve) throw new Error('no Approve button');
  return { message, planId: approve.value };
}

function click(
  lab: Lab,
  url: string,
  card: { message: { ts: string; channel: string }; planId: string },
  userId: string,
  actionId = 'plan_approve',
) {
  const slack = fakeSlack(lab);
  return postInteraction(
    url,
    slack,
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

describe('Slack: fix through signed requests to /slack/events', () => {
  it('the plan card, a self-approval refused to the asker only, then another approver → applied · verified, audited', async () => {
    bot = await startBot('mailbox-imap-disabled');
    const { lab, slackUrl, store } = bot;
    const slack = fakeSlack(lab);
    expect((await postSlashCommand(slackUrl, slack, { text: 'fix exchange-catchall-mailbox', channelId: 'C0LABOPS01' })).status).toBe(200);
    const card = await slackPlanCard(lab);
    const shown = slackText(card.message.blocks);
    expect(shown).toContain('Fix exchange-catchall-mailbox on contoso: waiting for approval (0/1)');
    expect(shown).toContain('Set-CASMailbox');
    expect(shown).toMatch(/Asked by[\s\S]*ada \(slack:U0LABADA01\)/);
    expect(shown).toContain('Expires');

    expect((await click(lab, slackUrl, card, 'U0LABADA01')).status).toBe(200);
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABADA01'), 5000, 'the refusal');
    expect(refusal.text).toBe('You asked for this fix, so another approver has to approve it.');
    expect(refusal.channel).toBe('C0LABOPS01');

    expect((await click(lab, slackUrl, card, 'U0LABMAL01')).status).toBe(200);
    const outsider = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABMAL01'), 5000, 'the refusal');
    expect(outsider.text).toBe('You are not an approver for contoso.');
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);

    expect((await click(lab, slackUrl, card, 'U0LABBOB01')).status).toBe(200);
    await waitFor(() => card.message.text.includes('applied · verified'), 20_000, 'the card to say applied · verified');
    const versions = card.message.versions.map((v) => v.text);
    expect(versions.some((t) => t.includes('approved 1/1 · applying'))).toBe(true);
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(1);
    const followUp = await waitFor(() => slack.messages.find((m) => m.threadTs === card.message.ts), 5000, 'the follow-up in the thread');
    expect(followUp.text).toContain('Re-check after the fix: exchange-catchall-mailbox pass');
    expect(eventsOf(store, card.planId)).toEqual(['requested', 'refused', 'refused', 'approved', 'applying', 'applied', 'verified']);
  }, 60_000);

  it('Reject closes the plan and the card says who rejected it', async () => {
    bot = await startBot('mailbox-imap-disabled');
    const { lab, slackUrl } = bot;
    await postSlashCommand(slackUrl, fakeSlack(lab), { text: 'fix exchange-catchall-mailbox', channelId: 'C0LABOPS01' });
    const card = await slackPlanCard(lab);
    await click(lab, slackUrl, card, 'U0LABBOB01', 'plan_reject');
    await waitFor(() => card.message.text.includes('rejected'), 10_000, 'the rejected card');
    expect(slackText(card.message.blocks)).toContain('rejected by U0LABBOB01');
    expect(card.message.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
  }, 60_000);

  it('two approvers clicking at once: one apply, the other told the plan is no longer open', async () => {
    bot = await startBot('mailbox-imap-disabled');
    const { lab, slackUrl } = bot;
    const slack = fakeSlack(lab);
    await postSlashCommand(slackUrl, slack, { text: 'fix exchange-catchall-mailbox', channelId: 'C0LABOPS01' });
    const card = await slackPlanCard(lab);
    const answers = await Promise.all([click(lab, slackUrl, card, 'U0LABBOB01'), click(lab, slackUrl, card, 'U0LABCAR01')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await waitFor(() => card.message.text.includes('applied · verified'), 20_000, 'the applied card');
    const refused = await waitFor(() => slack.ephemerals[0], 5000, 'the second click’s answer');
    expect(refused.text).toMatch(/^This plan is (approved|applying|applied); nothing was changed by this click\.$/);
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(1);
  }, 60_000);

  it('with required: 2 the card shows approved 1/2, then the second distinct approver applies it', async () => {
    bot = await startBot('mailbox-imap-disabled', { required: 2 });
    const { lab, slackUrl } = bot;
    await postSlashCommand(slackUrl, fakeSlack(lab), { text: 'fix exchange-catchall-mailbox', channelId: 'C0LABOPS01' });
    const card = await slackPlanCard(lab);
    await click(lab, slackUrl, card, 'U0LABBOB01');
    await waitFor(() => card.message.text.includes('approved 1/2'), 10_000, 'approved 1/2');
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
    await click(lab, slackUrl, card, 'U0LABCAR01');
    await waitFor(() => card.message.text.includes('applied · verified'), 20_000, 'the applied card');
  }, 60_000);

  it('a forged plan id gets a clear refusal, to the clicker only', async () => {
    bot = await startBot('mailbox-imap-disabled');
    const { lab, slackUrl } = bot;
    const slack = fakeSlack(lab);
    await click(lab, slackUrl, { message: { ts: '1700000000.000001', channel: 'C0LABOPS01' }, planId: 'p-forged-id' }, 'U0LABBOB01');
    const answer = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABBOB01'), 5000, 'the refusal');
    expect(answer.text).toMatch(/^There is no such fix plan/);
  }, 60_000);
});

describe('access: a channel sees only its tenants', () => {
  it('a command about another tenant is refused to the asker only and audited; status alone means the channel’s tenant', async () => {
    bot = await startBot('healthy');
    const { lab, slackUrl, store } = bot;
    const slack = fakeSlack(lab);
    await postSlashCommand(slackUrl, slack, { text: 'status fabrikam', channelId: 'C0LABOPS01' });
    const refusal = await waitFor(() => slack.responses[0], 10_000, 'the refusal');
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(String(refusal.body.text)).toContain('This channel may not run commands about "fabrikam"; it sees contoso.');
    expect(slack.messages).toHaveLength(0);
    const [entry] = store.audit.list({ tenant: 'fabrikam' });
    expect(entry).toMatchObject({
      event: 'refused',
      actor: { platform: 'slack', userId: 'U0LABADA01' },
      details: { command: 'status', channel: 'C0LABOPS01' },
    });

    await postSlashCommand(slackUrl, slack, { text: 'status', channelId: 'C0LABOPS01' });
    const status = await waitFor(
      () => slack.messages.find((m) => /contoso\.test/.test(slackText(m.blocks)) && !m.text.startsWith('Working')),
      20_000,
      'the status',
    );
    expect(slackText(status.blocks)).not.toContain('say which one');

    await postSlashCommand(slackUrl, slack, { text: 'status', channelId: 'C0UNBOUND1' });
    await waitFor(() => slack.responses.length >= 2, 10_000, 'the second refusal');
    expect(String(slack.responses[1]?.body.text)).toContain('this channel is not bound to a tenant (access.channels)');
  }, 60_000);
});

describe('Teams: fix through adaptiveCard/action invokes to /api/messages', () => {
  it('the card, a self-approval answered only to the clicker, the approver’s click answered with the updated card → applied · verified', async () => {
    bot = await startBot('domain-authoritative');
    const { lab, teamsUrl, store } = bot;
    const connector = chatLab(lab.state)?.connector;
    if (!connector) throw new Error('no fake connector');
    const auth = () => connector.channelAuthorization(lab.state.microsoft.botApp.appId);
    const ask = teamsActivity({ serviceUrl: connector.serviceUrl, text: 'fix exchange-accepted-domain', scope: 'channel' });
    expect((await postActivity(teamsUrl, ask, auth())).status).toBe(200);
    const posted = await waitFor(
      () => connector.activities.find((a) => JSON.stringify(a.activity).includes('Action.Execute')),
      20_000,
      'the plan card',
    );
    const content = (posted.activity.attachments as { content: Record<string, unknown> }[])[0]?.content as Record<string, unknown>;
    expect(content.version).toBe('1.5');
    expect((content.refresh as { userIds: string[] }).userIds).toEqual([`8:orgid:${LAB_TEAMS.user.aadObjectId}`, `8:orgid:${BOB_AAD}`]);
    expect(cardText(content)).toContain('Set-AcceptedDomain');
    const planId = /"planId":"(p-[^"]+)"/.exec(JSON.stringify(content))?.[1] as string;

    const self = await postActivity(
      teamsUrl,
      teamsCardAction({ serviceUrl: connector.serviceUrl, verb: 'approve', data: { planId }, replyToId: posted.id, scope: 'channel' }),
      auth(),
    );
    expect(self.status).toBe(200);
    expect(JSON.parse(self.body)).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'You asked for this fix, so another approver has to approve it.',
    });

    const approved = await postActivity(
      teamsUrl,
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'approve',
        data: { planId },
        replyToId: posted.id,
        from: BOB_TEAMS,
        scope: 'channel',
      }),
      auth(),
    );
    const answer = JSON.parse(approved.body) as { type: string; value: unknown };
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(answer.value)).toContain('Fix exchange-accepted-domain on contoso: approved 1/1 · applying');
    await waitFor(
      () => cardText((posted.activity.attachments as { content: unknown }[])[0]?.content).includes('applied · verified'),
      20_000,
      'the card updated to applied · verified',
    );
    expect(callsTo(lab, 'Set-AcceptedDomain')).toBe(1);
    expect(eventsOf(store, planId)).toEqual(['requested', 'refused', 'approved', 'applying', 'applied', 'verified']);

    const refresh = await postActivity(
      teamsUrl,
      teamsCardAction({ serviceUrl: connector.serviceUrl, verb: 'refresh', data: { planId }, replyToId: posted.id, from: BOB_TEAMS }),
      auth(),
    );
    expect(cardText((JSON.parse(refresh.body) as { value: unknown }).value)).toContain('applied · verified');
  }, 60_000);

  it('Reject as an adaptiveCard/action invoke: answered with the rejected card, nothing applied', async () => {
    bot = await startBot('domain-authoritative');
    const { lab, teamsUrl, store } = bot;
    const connector = chatLab(lab.state)?.connector;
    if (!connector) throw new Error('no fake connector');
    const auth = () => connector.channelAuthorization(lab.state.microsoft.botApp.appId);
    await postActivity(
      teamsUrl,
      teamsActivity({ serviceUrl: connector.serviceUrl, text: 'fix exchange-accepted-domain', scope: 'channel' }),
      auth(),
    );
    const posted = await waitFor(
      () => connector.activities.find((a) => JSON.stringify(a.activity).includes('Action.Execute')),
      20_000,
      'the plan card',
    );
    const planId = /"planId":"(p-[^"]+)"/.exec(JSON.stringify(posted.activity))?.[1] as string;
    const rejected = await postActivity(
      teamsUrl,
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'reject',
        data: { planId },
        replyToId: posted.id,
        from: BOB_TEAMS,
        scope: 'channel',
      }),
      auth(),
    );
    const answer = JSON.parse(rejected.body) as { type: string; value: unknown };
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(answer.value)).toContain('Fix exchange-accepted-domain on contoso: rejected');
    expect(cardText(answer.value)).toContain('rejected by Bob Approver');
    expect(JSON.stringify(answer.value)).not.toContain('Action.Execute');
    expect(callsTo(lab, 'Set-AcceptedDomain')).toBe(0);
    expect(eventsOf(store, planId)).toEqual(['requested', 'rejected']);
  }, 60_000);

  it('an Action.Submit fallback click from a client without Universal Actions decides the same way', async () => {
    bot = await startBot('domain-authoritative');
    const { lab, teamsUrl } = bot;
    const connector = chatLab(lab.state)?.connector;
    if (!connector) throw new Error('no fake connector');
    const auth = () => connector.channelAuthorization(lab.state.microsoft.botApp.appId);
    await postActivity(
      teamsUrl,
      teamsActivity({ serviceUrl: connector.serviceUrl, text: 'fix exchange-accepted-domain', scope: 'channel' }),
      auth(),
    );
    const posted = await waitFor(
      () => connector.activities.find((a) => JSON.stringify(a.activity).includes('Action.Execute')),
      20_000,
      'the plan card',
    );
    const planId = /"planId":"(p-[^"]+)"/.exec(JSON.stringify(posted.activity))?.[1] as string;
    const submit = teamsActivity({
      serviceUrl: connector.serviceUrl,
      scope: 'personal',
      extra: { text: undefined, from: BOB_TEAMS, value: { planId, verb: 'reject' } },
    });
    expect((await postActivity(teamsUrl, submit, auth())).status).toBe(200);
    await waitFor(
      () => cardText((posted.activity.attachments as { content: unknown }[])[0]?.content).includes('rejected'),
      10_000,
      'the rejected card',
    );
    expect(callsTo(lab, 'Set-AcceptedDomain')).toBe(0);
  }, 60_000);
});
