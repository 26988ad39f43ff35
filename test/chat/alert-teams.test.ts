import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_TEAMS, postActivity, teamsActivity, teamsCardAction, teamsInstallActivity } from '../../lab/chat/clients.js';
import type { FakeConnector } from '../../lab/chat/connector.js';
import { labIssuedTokens } from '../../lab/issued-tokens.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { DeliveryError, type PostedRef } from '../../src/monitor/contract.js';
import { Store } from '../../src/store/store.js';
import { ALERT_ID, alertRoot, FakeAlertBook, FIX_PLAN_ID, recordingApprovals } from './alert-fakes.js';
import { captureLogger, cardText, waitFor } from './helpers.js';
import { startTeamsLab, type TeamsLab } from './teams-lab.js';

const BOB = { id: '29:1lab-bob-aad-user', name: 'Bob Approver', aadObjectId: '9d2c41e0-5b7a-4c3e-8f10-2a6b7c8d9e01' };
const CHANNEL = LAB_TEAMS.channelConversation;

type Card = { body: unknown[]; version: string };
const contentOf = (activity: Record<string, unknown>) =>
  (activity.attachments as { contentType: string; content: Card }[] | undefined)?.[0]?.content as Card;

/** Every element of a card, depth first. */
function elements(node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) for (const n of node) elements(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string') out.push(o);
    for (const v of Object.values(o)) elements(v, out);
  }
  return out;
}

describe('alerts in Teams: proactive posts through stored references, Action.Execute and Action.Submit', () => {
  let lab: TeamsLab;
  let connector: FakeConnector;
  let bot: TeamsBot | undefined;
  let book: FakeAlertBook;
  let store: Store;
  let url: string;
  let logLines: string[];
  let approvals: ReturnType<typeof recordingApprovals>;

  const post = (activity: Record<string, unknown>) => postActivity(url, activity, lab.channelAuthorization());

  beforeEach(async () => {
    lab = await startTeamsLab();
    connector = lab.connector;
    store = Store.open(':memory:');
    book = new FakeAlertBook();
    approvals = recordingApprovals();
    const { logger, lines } = captureLogger();
    logLines = lines;
    bot = new TeamsBot({
      config: { teams: lab.teams },
      authentication: lab.authentication(),
      handleCommand: async () => ({ summary: 'mailsetup is here', tone: 'info', blocks: [] }),
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
      alerts: book,
      approvals,
    });
    url = `http://127.0.0.1:${(await bot.start()).port}/api/messages`;
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.close();
    await lab.stop();
  });

  /** The bot is spoken to in the channel once, so its reference is stored; then the alert's root is posted there. */
  async function rootInChannel(): Promise<PostedRef> {
    expect((await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'help', scope: 'channel' }))).status).toBe(200);
    await waitFor(() => store.conversationRef('teams', CHANNEL), 3000, 'the stored reference');
    return book.poster('teams').post({ platform: 'teams', conversationId: CHANNEL }, alertRoot('firing since 10:05 UTC'));
  }

  it('posts the root to the team stored on install, replies in its thread, and updates it in place', async () => {
    expect((await post(teamsInstallActivity(connector.serviceUrl, 'channel'))).status).toBe(200);
    await waitFor(() => store.conversationRef('teams', LAB_TEAMS.teamId), 3000, 'the reference stored on install');
    const poster = book.poster('teams');
    const team = { platform: 'teams' as const, conversationId: LAB_TEAMS.teamId };
    const root = await poster.post(team, alertRoot('firing since 10:05 UTC'));
    expect(root).toEqual({ platform: 'teams', conversationId: LAB_TEAMS.teamId, messageId: expect.any(String) });

    const sent = connector.calls.find((c) => c.activityId === root.messageId);
    expect(sent).toMatchObject({ kind: 'send', conversationId: LAB_TEAMS.teamId, authorized: true });
    const card = contentOf(sent?.activity ?? {});
    expect(card.version).toBe('1.5');
    expect(cardText(card)).toContain('contoso: the catch-all rule is disabled — firing since 10:05 UTC');
    const all = elements(card);
    const execute = all.filter((e) => e.type === 'Action.Execute');
    expect(execute.map((e) => [e.title, e.verb, e.data])).toEqual([
      ['Acknowledge', 'alert.ack', { alertId: ALERT_ID }],
      ['Snooze', 'alert.snooze', { alertId: ALERT_ID }],
      ['Fix', 'alert.fix', { alertId: ALERT_ID }],
      ['Run check now', 'alert.run', { alertId: ALERT_ID }],
    ]);
    expect(execute.map((e) => (e.fallback as { type: string; data: unknown }).data)).toEqual([
      { alertId: ALERT_ID, verb: 'alert.ack' },
      { alertId: ALERT_ID, verb: 'alert.snooze' },
      { alertId: ALERT_ID, verb: 'alert.fix' },
      { alertId: ALERT_ID, verb: 'alert.run' },
    ]);
    expect(all.find((e) => e.type === 'Input.Text')).toMatchObject({ id: 'alertReason', isRequired: true });
    const choices = all.find((e) => e.type === 'Input.ChoiceSet') as { id: string; choices: { title: string; value: string }[] };
    expect(choices.id).toBe('alertSnoozeMs');
    expect(choices.choices.map((c) => [c.title, c.value])).toEqual([
      ['1 h', '3600000'],
      ['4 h', '14400000'],
      ['24 h', '86400000'],
    ]);

    const followUp = await poster.post(
      team,
      { summary: 'Still failing after 4 h', tone: 'bad', blocks: [] },
      { thread: root, broadcast: true },
    );
    const reply = connector.calls.find((c) => c.activityId === followUp.messageId);
    expect(reply).toMatchObject({
      kind: 'reply',
      conversationId: `${LAB_TEAMS.teamId};messageid=${root.messageId}`,
      targetId: root.messageId,
    });

    await poster.update(root, alertRoot('resolved after 35 min', { actions: [], tone: 'ok' }));
    const update = connector.calls.find((c) => c.kind === 'update');
    expect(update).toMatchObject({ conversationId: LAB_TEAMS.teamId, targetId: root.messageId });
    const record = connector.activities.find((a) => a.id === root.messageId);
    expect(record?.versions).toHaveLength(2);
    expect(cardText(contentOf(record?.activity ?? {}))).toContain('resolved after 35 min');
    expect(elements(contentOf(record?.activity ?? {})).some((e) => e.type === 'Action.Execute')).toBe(false);
  });

  it('without a stored reference: a permanent DeliveryError that says to install the bot there', async () => {
    const error = await book
      .poster('teams')
      .post({ platform: 'teams', conversationId: '19:never-installed@thread.tacv2' }, alertRoot('firing'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({
      permanent: true,
      message:
        'mailsetup has no stored Teams conversation for 19:never-installed@thread.tacv2, so it cannot post alerts there: install the bot in that team (or remove and re-add it to the channel), then check tenants[].alerts.teams.',
    });
    expect(connector.calls).toHaveLength(0);
  });

  it('429 and 5xx from the Bot Connector are retryable DeliveryErrors with Retry-After', async () => {
    const root = await rootInChannel();
    const poster = book.poster('teams');
    const channel = { platform: 'teams' as const, conversationId: CHANNEL };
    const before = connector.calls.length;
    const attempts = () => lab.state.requests.filter((r) => r.service === 'connector' && r.key.startsWith('POST /v3/')).length;
    const attemptsBefore = attempts();
    lab.state.faults.push({
      service: 'connector',
      match: 'POST /v3/conversations',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 5,
      times: 1,
    });
    const limited = await poster.post(channel, alertRoot('firing')).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(DeliveryError);
    expect(limited).toMatchObject({ permanent: false, retryAfterMs: 5000, message: 'Teams is throttling the bot (retry in 5 s).' });
    // One attempt: the SDK did not sleep out the Retry-After and try again; the outbox decides when.
    expect(attempts() - attemptsBefore).toBe(1);

    lab.state.faults.push({ service: 'connector', match: 'PUT /v3/conversations', kind: 'status', status: 502, times: 1 });
    const down = await poster.update(root, alertRoot('acknowledged')).catch((e: unknown) => e);
    expect(down).toMatchObject({ permanent: false, message: 'The Bot Connector answered HTTP 502; the alert will be sent again.' });
    expect(connector.calls.length).toBe(before);
  });

  it('Action.Execute Acknowledge: the click counts for the verified user, the invoke answer is the updated card', async () => {
    const root = await rootInChannel();
    const answer = await post(
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'alert.ack',
        data: { alertId: ALERT_ID, alertReason: ' vendor changing IPs ', alertSnoozeMs: '3600000' },
        replyToId: root.messageId,
        from: BOB,
        scope: 'channel',
      }),
    );
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { statusCode: number; type: string; value: Card };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(body.value)).toContain('acknowledged by Bob Approver: "vendor changing IPs"');
    expect(
      elements(body.value)
        .filter((e) => e.type === 'Action.Execute')
        .map((e) => e.verb),
    ).toEqual(['alert.fix', 'alert.run']);
    expect(book.clicks).toEqual([
      {
        button: { action: 'acknowledge', alertId: ALERT_ID, reason: 'vendor changing IPs' },
        actor: { platform: 'teams', userId: BOB.aadObjectId, displayName: 'Bob Approver' },
        place: { platform: 'teams', conversationId: CHANNEL },
      },
    ]);

    // Without a reason (a client that skipped the required input) the click is refused to the clicker.
    const bare = await post(
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'alert.ack',
        data: { alertId: ALERT_ID },
        replyToId: root.messageId,
        from: BOB,
      }),
    );
    expect(JSON.parse(bare.body)).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Say why in the reason box, then click Acknowledge again.',
    });
    expect(book.clicks).toHaveLength(1);
  });

  it('Fix answers with a reply in the alert thread; an unknown alert gets a message for the clicker only', async () => {
    const root = await rootInChannel();
    const answer = await post(
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'alert.fix',
        data: { alertId: ALERT_ID },
        replyToId: root.messageId,
        from: BOB,
        scope: 'channel',
      }),
    );
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: 'Done.' });
    const reply = await waitFor(() => connector.calls.find((c) => c.kind === 'reply' && c.targetId === root.messageId), 3000, 'the reply');
    expect(reply.conversationId).toBe(`${CHANNEL};messageid=${root.messageId}`);
    expect(cardText(contentOf(reply.activity))).toContain('Fix exchange-catchall-rule on contoso: asked by Bob Approver');
    await waitFor(() => approvals.posted[0], 3000, 'the plan card handed to the fix flow');
    expect(approvals.posted).toEqual([
      { planId: FIX_PLAN_ID, card: { platform: 'teams', conversationId: CHANNEL, messageId: reply.activityId } },
    ]);

    const forged = await post(
      teamsCardAction({ serviceUrl: connector.serviceUrl, verb: 'alert.run', data: { alertId: 'al-forged' }, replyToId: root.messageId }),
    );
    expect(JSON.parse(forged.body)).toMatchObject({ value: 'There is no open alert al-forged.' });
  });

  it('an Action.Submit fallback Snooze counts the same way and rewrites the card with updateActivity', async () => {
    const root = await rootInChannel();
    const submit = teamsActivity({
      serviceUrl: connector.serviceUrl,
      scope: 'channel',
      extra: {
        text: undefined,
        from: BOB,
        replyToId: root.messageId,
        value: { alertId: ALERT_ID, verb: 'alert.snooze', alertSnoozeMs: '14400000', alertReason: 'maintenance window' },
      },
    });
    expect((await post(submit)).status).toBe(200);
    await waitFor(() => book.clicks.length === 1, 3000, 'the click');
    expect(book.clicks[0]?.button).toEqual({ action: 'snooze', alertId: ALERT_ID, durationMs: 14_400_000, reason: 'maintenance window' });
    const record = connector.activities.find((a) => a.id === root.messageId);
    await waitFor(() => record?.versions.length === 2, 3000, 'the card rewritten');
    expect(cardText(contentOf(record?.activity ?? {}))).toContain('snoozed for 4 h by Bob Approver: "maintenance window"');
  });

  it('no app password or Bot Framework token in what reached the connector or the log', async () => {
    const root = await rootInChannel();
    await book
      .poster('teams')
      .post(
        { platform: 'teams', conversationId: CHANNEL },
        { summary: `leak ${lab.state.microsoft.botApp.password}`, tone: 'bad', blocks: [] },
        { thread: root },
      );
    const posted = JSON.stringify(connector.calls);
    expect(posted).toContain('[redacted]');
    for (const secret of [lab.state.microsoft.botApp.password, ...labIssuedTokens()]) {
      expect(posted).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
    }
  });
});
