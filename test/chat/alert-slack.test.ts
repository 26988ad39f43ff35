import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockActionsPayload, postInteraction, viewSubmissionPayload } from '../../lab/chat/clients.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { LabTraffic } from '../../lab/faults.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { DeliveryError, type PostedRef } from '../../src/monitor/contract.js';
import { Store } from '../../src/store/store.js';
import { ALERT_ID, alertRoot, FakeAlertBook, FIX_PLAN_ID, recordingApprovals } from './alert-fakes.js';
import { captureLogger, slackText, waitFor } from './helpers.js';

const CHANNEL = 'C0LABALERT';

type Actions = { type: 'actions'; block_id: string; elements: Record<string, unknown>[] };
const actionsOf = (blocks: unknown[]) => blocks.find((b) => (b as { type: string }).type === 'actions') as Actions | undefined;

describe('alerts in Slack: the poster and the alert buttons, through the fake Web API and /slack/events', () => {
  let slack: FakeSlack;
  let traffic: LabTraffic;
  let bot: SlackBot | undefined;
  let book: FakeAlertBook;
  let store: Store;
  let url: string;
  let logLines: string[];
  let approvals: ReturnType<typeof recordingApprovals>;

  async function startBot(mode: 'http' | 'socket' = 'http') {
    const { logger, lines } = captureLogger();
    logLines = lines;
    bot = new SlackBot({
      config: {
        slack: {
          botToken: new Secret(slack.identity.botToken, 'inline'),
          signingSecret: new Secret(slack.identity.signingSecret, 'inline'),
          appToken: new Secret(slack.identity.appToken, 'inline'),
          mode,
          port: 0,
        },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: async () => ({ summary: 'unused', tone: 'info', blocks: [] }),
      store,
      logger,
      host: '127.0.0.1',
      alerts: book,
      approvals,
    });
    const { port } = await bot.start();
    url = `http://127.0.0.1:${port}/slack/events`;
  }

  /** Posts the alert's root through the registered poster, as the outbox does. */
  async function postRoot(): Promise<PostedRef> {
    return book.poster('slack').post({ platform: 'slack', conversationId: CHANNEL }, alertRoot('firing since 10:05 UTC'));
  }

  const click = (
    ref: PostedRef,
    options: { actionId: string; value?: string; selected?: { value: string; text: string }; userId?: string },
  ) =>
    postInteraction(
      url,
      slack,
      blockActionsPayload(slack, {
        actionId: options.actionId,
        value: options.value ?? ALERT_ID,
        selected: options.selected,
        channelId: ref.conversationId,
        messageTs: ref.messageId,
        userId: options.userId ?? 'U0LABBOB01',
        userName: 'bob',
        blockId: `alert:${ALERT_ID}`,
      }),
    );

  beforeEach(async () => {
    traffic = { faults: [], requests: [] };
    slack = await startFakeSlack(traffic);
    store = Store.open(':memory:');
    book = new FakeAlertBook();
    approvals = recordingApprovals();
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.close();
    await slack.stop();
  });

  it('posts the root with its buttons, a thread reply, the broadcast recovery, and rewrites the root in place', async () => {
    await startBot();
    const root = await postRoot();
    expect(root).toEqual({ platform: 'slack', conversationId: CHANNEL, messageId: expect.stringMatching(/^\d+\.\d{6}$/) });

    const message = slack.messages.find((m) => m.ts === root.messageId);
    expect(message?.threadTs).toBeUndefined();
    expect(message?.text).toBe('contoso: the catch-all rule is disabled — firing since 10:05 UTC');
    expect(slackText(message?.blocks ?? [])).toContain('`State` Enabled → Disabled');
    const actions = actionsOf(message?.blocks ?? []);
    expect(actions?.block_id).toBe(`alert:${ALERT_ID}`);
    expect(actions?.elements.map((e) => [e.type, e.action_id, e.value])).toEqual([
      ['button', 'alert_ack', ALERT_ID],
      ['static_select', 'alert_snooze', undefined],
      ['button', 'alert_fix', ALERT_ID],
      ['button', 'alert_run', ALERT_ID],
    ]);
    const snooze = actions?.elements[1] as { options: { text: { text: string }; value: string }[] };
    expect(snooze.options.map((o) => [o.text.text, o.value])).toEqual([
      ['Snooze 1 h', `${ALERT_ID}|3600000`],
      ['Snooze 4 h', `${ALERT_ID}|14400000`],
      ['Snooze 24 h', `${ALERT_ID}|86400000`],
    ]);

    const poster = book.poster('slack');
    const followUp = await poster.post(
      { platform: 'slack', conversationId: CHANNEL },
      { summary: 'Still failing after 4 h', tone: 'bad', blocks: [] },
      { thread: root },
    );
    const recovery = await poster.post(
      { platform: 'slack', conversationId: CHANNEL },
      { summary: 'Resolved after 35 min: the catch-all rule is enabled again', tone: 'ok', blocks: [] },
      { thread: root, broadcast: true },
    );
    await poster.update(root, alertRoot('resolved after 35 min', { actions: [], tone: 'ok' }));

    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => [c.args.thread_ts, c.args.reply_broadcast])).toEqual([
      [undefined, undefined],
      [root.messageId, undefined],
      [root.messageId, 'true'],
    ]);
    expect(slack.messages.find((m) => m.ts === followUp.messageId)).toMatchObject({
      threadTs: root.messageId,
      text: 'Still failing after 4 h',
    });
    expect(slack.messages.find((m) => m.ts === recovery.messageId)).toMatchObject({ threadTs: root.messageId, broadcast: true });
    expect(message?.versions.map((v) => v.text)).toEqual([
      'contoso: the catch-all rule is disabled — firing since 10:05 UTC',
      'contoso: the catch-all rule is disabled — resolved after 35 min',
    ]);
    expect(slackText(message?.blocks ?? []).split('\n')[0]).toMatch(/^✅/);
    expect(actionsOf(message?.blocks ?? [])).toBeUndefined();
  });

  it('Acknowledge opens a modal that asks why; its submission counts for the verified user and rewrites the alert', async () => {
    await startBot();
    const root = await postRoot();
    expect((await click(root, { actionId: 'alert_ack' })).status).toBe(200);
    const modal = await waitFor(() => slack.modals[0], 3000, 'views.open');
    expect(modal.userId).toBe('U0LABBOB01');
    expect(modal.view.callback_id).toBe('alert_reason');
    expect((modal.view.title as { text: string }).text).toBe('Acknowledge the alert');
    expect(slackText(modal.view.blocks as unknown[])).toContain('contoso: the catch-all rule is disabled');
    expect(book.clicks).toHaveLength(0);

    // An empty reason: Slack shows the error next to the input and keeps the modal open.
    const empty = await postInteraction(
      url,
      slack,
      viewSubmissionPayload(slack, modal, { reason: '  ' }, { id: 'U0LABBOB01', name: 'bob' }),
    );
    expect(JSON.parse(empty.body)).toEqual({ response_action: 'errors', errors: { reason: 'Say why, in a few words.' } });
    expect(book.clicks).toHaveLength(0);

    const submitted = await postInteraction(
      url,
      slack,
      viewSubmissionPayload(slack, modal, { reason: 'vendor changing IPs' }, { id: 'U0LABBOB01', name: 'bob' }),
    );
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');
    await waitFor(() => book.clicks.length === 1, 3000, 'the click');
    expect(book.clicks[0]).toEqual({
      button: { action: 'acknowledge', alertId: ALERT_ID, reason: 'vendor changing IPs' },
      actor: { platform: 'slack', userId: 'U0LABBOB01', displayName: 'bob' },
      place: { platform: 'slack', conversationId: CHANNEL },
    });
    const message = slack.messages.find((m) => m.ts === root.messageId);
    await waitFor(() => (message?.versions.length ?? 0) === 2, 3000, 'chat.update');
    expect(message?.text).toBe('contoso: the catch-all rule is disabled — acknowledged by bob: "vendor changing IPs"');
    expect(actionsOf(message?.blocks ?? [])?.elements.map((e) => e.action_id)).toEqual(['alert_fix', 'alert_run']);
  });

  it('Snooze 4 h opens the modal with 4 h chosen; the submission carries the duration and the reason', async () => {
    await startBot();
    const root = await postRoot();
    await click(root, { actionId: 'alert_snooze', selected: { value: `${ALERT_ID}|14400000`, text: 'Snooze 4 h' } });
    const modal = await waitFor(() => slack.modals[0], 3000, 'views.open');
    expect((modal.view.title as { text: string }).text).toBe('Snooze the alert');
    const duration = (modal.view.blocks as { block_id?: string; element?: { initial_option?: { value: string } } }[]).find(
      (b) => b.block_id === 'duration',
    );
    expect(duration?.element?.initial_option?.value).toBe('14400000');
    await postInteraction(url, slack, viewSubmissionPayload(slack, modal, { duration: '86400000', reason: 'maintenance window' }));
    await waitFor(() => book.clicks.length === 1, 3000, 'the click');
    expect(book.clicks[0]?.button).toEqual({ action: 'snooze', alertId: ALERT_ID, durationMs: 86_400_000, reason: 'maintenance window' });
    await waitFor(() => slack.messages.find((m) => m.ts === root.messageId)?.text.includes('snoozed for 24 h'), 3000, 'the snoozed root');
  });

  it('Fix and Run check now answer in the alert thread; an unknown alert is refused to the clicker only', async () => {
    await startBot();
    const root = await postRoot();
    await click(root, { actionId: 'alert_fix' });
    const plan = await waitFor(() => slack.messages.find((m) => m.threadTs === root.messageId), 3000, 'the Fix reply');
    expect(plan.text).toBe('Fix exchange-catchall-rule on contoso: asked by bob');
    expect(book.clicks[0]?.button).toEqual({ action: 'fix', alertId: ALERT_ID });
    // The plan card in the thread is the fix flow's: its Approve / Reject buttons are handed to it.
    expect(actionsOf(plan.blocks)?.elements.map((e) => e.action_id)).toEqual(['plan_approve', 'plan_reject']);
    expect(approvals.posted).toEqual([{ planId: FIX_PLAN_ID, card: { platform: 'slack', conversationId: CHANNEL, messageId: plan.ts } }]);

    await click(root, { actionId: 'alert_run' });
    await waitFor(() => slack.messages.filter((m) => m.threadTs === root.messageId).length === 2, 3000, 'the Run reply');
    expect(slack.messages.at(-1)?.text).toBe('Checked again: exchange-catchall-rule still fails');
    expect(slack.messages.find((m) => m.ts === root.messageId)?.text).toContain('checked again just now');

    const updatesBefore = slack.calls.filter((c) => c.method === 'chat.update').length;
    await click(root, { actionId: 'alert_run', value: 'al-forged', userId: 'U0LABMAL01' });
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABMAL01'), 3000, 'the refusal');
    expect(refusal).toMatchObject({ channel: CHANNEL, text: 'There is no open alert al-forged.' });
    expect(slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(updatesBefore);
  });

  it('hands the outbox a DeliveryError: 429 with Retry-After (the SDK does not retry), 5xx retryable, not_in_channel permanent', async () => {
    await startBot();
    const poster = book.poster('slack');
    const channel = { platform: 'slack' as const, conversationId: CHANNEL };
    traffic.faults.push({ service: 'slack', match: 'chat.postMessage', kind: 'status', status: 429, retryAfterSeconds: 7, times: 1 });
    const limited = await poster.post(channel, alertRoot('firing')).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(DeliveryError);
    expect(limited).toMatchObject({ retryAfterMs: 7000, permanent: false, message: 'Slack is rate-limiting the bot (retry in 7 s).' });
    expect(traffic.requests.filter((r) => r.key === 'POST /api/chat.postMessage')).toHaveLength(1);
    expect(slack.messages).toHaveLength(0);

    traffic.faults.push({ service: 'slack', match: 'chat.postMessage', kind: 'status', status: 503, retryAfterSeconds: 2, times: 1 });
    const down = await poster.post(channel, alertRoot('firing')).catch((e: unknown) => e);
    expect(down).toMatchObject({ retryAfterMs: 2000, permanent: false, message: 'Slack answered HTTP 503; the alert will be sent again.' });
    expect(traffic.requests.filter((r) => r.key === 'POST /api/chat.postMessage')).toHaveLength(2);

    slack.channelsWithoutBot.add('C0LABNOBOT');
    const outside = await poster.post({ platform: 'slack', conversationId: 'C0LABNOBOT' }, alertRoot('firing')).catch((e: unknown) => e);
    expect(outside).toMatchObject({
      permanent: true,
      message: 'Slack refused the alert: the bot is not a member of channel C0LABNOBOT (invite it: /invite @mailsetup).',
    });

    // Once Slack takes it again, the same message goes through once.
    const posted = await poster.post(channel, alertRoot('firing'));
    expect(slack.messages.map((m) => m.ts)).toEqual([posted.messageId]);
  });

  it('Socket Mode: the same click, delivered as an interactive envelope, acknowledged at once', async () => {
    await startBot('socket');
    await slack.socket.connected();
    const root = await postRoot();
    const ack = await slack.socket.send(
      'interactive',
      blockActionsPayload(slack, {
        actionId: 'alert_run',
        value: ALERT_ID,
        channelId: CHANNEL,
        messageTs: root.messageId,
        userId: 'U0LABCAR01',
      }),
    );
    expect(ack.envelope_id).toBeTruthy();
    await waitFor(() => book.clicks.length === 1, 3000, 'the click');
    expect(book.clicks[0]?.actor.userId).toBe('U0LABCAR01');
    await waitFor(() => slack.messages.some((m) => m.threadTs === root.messageId), 3000, 'the reply in the thread');
  });

  it('no token or signing secret in what was posted or logged', async () => {
    await startBot();
    const root = await postRoot();
    await book
      .poster('slack')
      .post(
        { platform: 'slack', conversationId: CHANNEL },
        { summary: `leak ${slack.identity.botToken}`, tone: 'bad', blocks: [{ type: 'code', text: slack.identity.signingSecret }] },
        { thread: root },
      );
    await click(root, { actionId: 'alert_ack' });
    await waitFor(() => slack.modals[0], 3000, 'views.open');
    const posted = JSON.stringify({ calls: slack.calls, messages: slack.messages, modals: slack.modals });
    expect(posted).toContain('[redacted]');
    for (const secret of [slack.identity.botToken, slack.identity.signingSecret, slack.identity.appToken]) {
      expect(posted).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
    }
  });
});
