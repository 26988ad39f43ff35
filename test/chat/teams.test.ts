import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { AuthenticationConstants, type BotFrameworkAuthentication } from 'botframework-connector';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_TEAMS, postActivity, teamsActivity, teamsInstallActivity } from '../../lab/chat/clients.js';
import type { FakeConnector } from '../../lab/chat/connector.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { anonymousTeamsAuthentication } from '../../src/chat/teams/auth.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import type { Message, MessageBlock } from '../../src/render/message.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { Store } from '../../src/store/store.js';
import { connectorIpMissingReport } from './fixtures/reports.js';
import { ackTimes, captureLogger, cardText, statusHandler, waitFor } from './helpers.js';
import { startTeamsLab, type TeamsLab } from './teams-lab.js';

describe('Teams through /api/messages (CloudAdapter, fake Bot Connector)', () => {
  let lab: TeamsLab;
  let connector: FakeConnector;
  let bot: TeamsBot | undefined;
  let store: Store;
  let url: string;
  const report = connectorIpMissingReport();
  const final = reportToMessage(report);

  let logLines: string[] = [];

  async function startBot(handler: ChatCommandHandler, updateIntervalMs = 1000, authentication?: BotFrameworkAuthentication) {
    const { logger, lines } = captureLogger();
    logLines = lines;
    bot = new TeamsBot({
      config: { teams: lab.teams },
      authentication: authentication ?? lab.authentication(),
      handleCommand: handler,
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
      updateIntervalMs,
    });
    const { port } = await bot.start();
    url = `http://127.0.0.1:${port}/api/messages`;
  }

  /** An activity as the channel sends it: signed for the bot's app id. */
  const post = (activity: Record<string, unknown>) => postActivity(url, activity, lab.channelAuthorization());

  beforeEach(async () => {
    lab = await startTeamsLab();
    connector = lab.connector;
    store = Store.open(':memory:');
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.close();
    await lab.stop();
  });

  it('answers Teams at once, sends the status card, then updates it until the final summary', async () => {
    const handler = statusHandler(report, 1000);
    await startBot(handler);

    await ackTimes(1, async () => {
      const response = await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' }));
      expect(response.status).toBe(200);
      expect(handler.calls[0]?.finishedAt).toBeUndefined();
      return response.ms;
    });

    const record = await waitFor(
      () => connector.activities.find((a) => (a.activity.summary as string | undefined) === final.summary),
      5000,
      'the final card',
    );
    const sends = connector.calls.filter((c) => c.kind !== 'update');
    expect(sends).toHaveLength(1);
    expect(sends[0]?.conversationId).toBe(LAB_TEAMS.personalConversation);
    const updates = connector.calls.filter((c) => c.kind === 'update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.targetId === record.id)).toBe(true);
    for (let i = 1; i < record.versions.length; i++) {
      expect((record.versions[i]?.at ?? 0) - (record.versions[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    }
    // What the person reads on the final card: the summary first, the failures with their fix.
    const card = (record.activity.attachments as { contentType: string; content: unknown }[])[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const text = cardText(card?.content);
    expect(text.split('\n')[0]).toContain(`2 failing, 1 warning, ${report.summary.pass} passing`);
    expect(text).toContain('Fix: Exchange admin center → Mail flow → Connectors');
    // Asked by the person, with their Entra object id.
    expect(handler.calls[0]?.ctx.actor).toEqual({ platform: 'teams', userId: LAB_TEAMS.user.aadObjectId, displayName: 'Ada Admin' });
  });

  it('answers each request long before the checks finish', async () => {
    const handler = statusHandler(report, 1000);
    await startBot(handler, 200);
    await ackTimes(3, async () => {
      const response = await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' }));
      expect(response.status).toBe(200);
      expect(handler.calls.at(-1)?.finishedAt).toBeUndefined();
      return response.ms;
    });
    await waitFor(() => handler.calls.length === 3 && handler.calls.every((c) => c.finishedAt), 5000, 'the commands to finish');
  });

  it('takes a command after an @mention in a channel and replies in that thread', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);
    const activity = teamsActivity({ serviceUrl: connector.serviceUrl, text: '/mailsetup status', scope: 'channel' });
    await post(activity);
    await waitFor(() => connector.activities.find((a) => a.activity.summary === final.summary), 5000, 'the final card');
    expect(handler.calls[0]?.text).toBe('/mailsetup status');
    const send = connector.calls.find((c) => c.kind !== 'update');
    expect(send?.conversationId).toBe((activity.conversation as { id: string }).id);
    expect(send?.kind).toBe('reply');
    expect(send?.targetId).toBe(activity.id);
  });

  it('sends a reply too big for one Teams message as several cards, each within the limit', async () => {
    const checks: MessageBlock[] = Array.from({ length: 150 }, (_, i) => ({
      type: 'check',
      id: `check-${i}`,
      title: `Check ${i}`,
      status: 'fail',
      detail: `Detail ${i} ${'evidence '.repeat(20)}`,
      remediation: `Step ${i} by hand.`,
    }));
    const big: Message = { summary: '150 failing', tone: 'bad', blocks: checks };
    await startBot(async (_text, ctx) => {
      await ctx.update?.({ summary: 'Checking…', tone: 'info', blocks: [], inProgress: true });
      return big;
    }, 100);
    await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' }));
    await waitFor(
      () => connector.activities.length >= 3 && connector.activities[0]?.activity.summary === '150 failing',
      5000,
      'all the cards',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connector.activities[0]?.versions.map((v) => v.activity.summary)).toEqual(['Checking…', '150 failing']);
    const text = connector.activities.map((a) => cardText((a.activity.attachments as { content: unknown }[])[0]?.content)).join('\n');
    for (let i = 0; i < 150; i++) expect(text).toContain(`Step ${i} by hand.`);
    for (const a of connector.activities) expect(Buffer.byteLength(JSON.stringify(a.activity))).toBeLessThan(28 * 1024);
  });

  it('stores the conversation reference on install and on the first message', async () => {
    await startBot(statusHandler(report, 10), 50);
    const install = await post(teamsInstallActivity(connector.serviceUrl, 'channel'));
    expect(install.status).toBe(200);
    const team = store.conversationRef('teams', LAB_TEAMS.teamId);
    expect(team?.scope).toBe('channel');
    expect(team?.tenantId).toBe(LAB_TEAMS.tenantId);
    expect(team?.reference.serviceUrl).toBe(connector.serviceUrl);

    // Added to a group chat: a conversationUpdate with the bot among the members added.
    const added = teamsActivity({
      serviceUrl: connector.serviceUrl,
      type: 'conversationUpdate',
      extra: {
        membersAdded: [{ id: LAB_TEAMS.botId }],
        conversation: { id: '19:lab-group-chat@thread.v2', conversationType: 'groupChat', tenantId: LAB_TEAMS.tenantId },
      },
    });
    expect((await post(added)).status).toBe(200);
    expect(store.conversationRef('teams', '19:lab-group-chat@thread.v2')?.scope).toBe('groupChat');

    await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'help' }));
    const personal = store.conversationRef('teams', LAB_TEAMS.personalConversation);
    expect(personal?.scope).toBe('personal');
    expect(personal?.reference).toMatchObject({ bot: { id: LAB_TEAMS.botId }, user: { aadObjectId: LAB_TEAMS.user.aadObjectId } });
  });

  it('with an app id configured, refuses a request without a valid token (401) and runs nothing', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);
    const activity = teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' });

    const anonymous = await postActivity(url, activity);
    expect(anonymous.status).toBe(401);
    // A token the bot did not get from the Bot Framework (unsigned, wrong issuer).
    const forged = `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"iss":"https://evil.example","aud":"x"}').toString('base64url')}.`;
    const refused = await postActivity(url, activity, forged);
    expect(refused.status).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handler.calls).toHaveLength(0);
    expect(connector.calls).toHaveLength(0);
    expect(store.conversationRefs()).toHaveLength(0);
  });

  it('replies and updates carry the Bot Framework token the lab issued to the bot app', async () => {
    await startBot(statusHandler(report, 200), 50);
    await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' }));
    await waitFor(() => connector.activities.find((a) => a.activity.summary === final.summary), 5000, 'the final card');
    expect(connector.calls.some((c) => c.kind === 'update')).toBe(true);
    expect(connector.calls.every((c) => c.authorized)).toBe(true);
    const issued = lab.state.microsoft.tokens.filter((t) => t.audience === 'botframework');
    expect(issued.map((t) => t.clientId)).toEqual([lab.teams.appId]);
  });

  it('the Bot Connector refuses a reply or an update without a token (401)', async () => {
    const reply = await fetch(
      `${connector.serviceUrl}v3/conversations/${encodeURIComponent(LAB_TEAMS.personalConversation)}/activities/1`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'hello' }),
      },
    );
    expect(reply.status).toBe(401);
    expect(await reply.json()).toEqual({ message: 'Authorization has been denied for this request.' });
    const update = await fetch(`${connector.serviceUrl}v3/conversations/x/activities/1`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-a-lab-token' },
      body: JSON.stringify({ type: 'message', text: 'hello' }),
    });
    expect(update.status).toBe(401);
  });

  it('a bot without credentials (development mode) cannot reply through it', async () => {
    const { logger } = captureLogger();
    bot = new TeamsBot({
      config: {},
      authentication: anonymousTeamsAuthentication(),
      handleCommand: statusHandler(report, 10),
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
    url = `http://127.0.0.1:${(await bot.start()).port}/api/messages`;
    expect((await postActivity(url, teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connector.calls).toHaveLength(0);
  });

  it('answers an activity over the size limit with 413 and a JSON error, not a reset connection', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);
    const activity = teamsActivity({ serviceUrl: connector.serviceUrl, text: `check ${'x'.repeat(600 * 1024)}` });

    const response = await post(activity);
    expect(response.status).toBe(413);
    const body = JSON.parse(response.body) as { error?: { code?: string; message?: string } };
    expect(body.error?.message).toMatch(/larger than 512 KB/);
    // Sent in chunks, without a Content-Length: refused as it arrives, still with an answer.
    const text = JSON.stringify(activity);
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < text.length; i += 64 * 1024) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 64 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error?: { message?: string } }).error?.message).toMatch(/larger than 512 KB/);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handler.calls).toHaveLength(0);
    // The bot still serves the next request.
    const next = await post(teamsActivity({ serviceUrl: connector.serviceUrl, text: 'help' }));
    expect(next.status).toBe(200);
  });

  it("answers 503, and logs it, when Bot Framework's signing keys cannot be fetched", async () => {
    const appId = '0d9c6a4e-3f1b-4c55-8a7e-5b2f1e9d7c31';
    // Where the OpenID metadata should be, nothing listens (a port just closed); and a metadata host answering 503.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failing = createServer((_req, res) => res.writeHead(503).end('Service Unavailable'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const failingPort = (failing.address() as AddressInfo).port;
    const token = `Bearer ${[
      Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'lab-signing-key' })).toString('base64url'),
      Buffer.from(
        JSON.stringify({
          iss: 'https://api.botframework.com',
          aud: appId,
          serviceurl: connector.serviceUrl,
          exp: Math.floor(Date.now() / 1000) + 600,
        }),
      ).toString('base64url'),
      Buffer.from('signature').toString('base64url'),
    ].join('.')}`;
    try {
      for (const [n, metadataUrl] of [
        [1, `http://127.0.0.1:${closedPort}/v1/.well-known/openidconfiguration`],
        [2, `http://127.0.0.1:${failingPort}/v1/.well-known/openidconfiguration`],
      ] as const) {
        const handler = statusHandler(report, 10);
        await bot?.stop();
        await startBot(
          handler,
          1000,
          new ConfigurationBotFrameworkAuthentication({
            MicrosoftAppId: appId,
            MicrosoftAppPassword: 'lab-app-password-5f3c',
            MicrosoftAppType: 'MultiTenant',
            // Public-cloud values (as botbuilder's defaults): given one, botbuilder wants them all.
            ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
            ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
            ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
            OAuthUrl: AuthenticationConstants.OAuthUrl,
            ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
            // A fresh URL per bot: botframework-connector caches metadata per URL for the process.
            ToBotFromChannelOpenIdMetadataUrl: `${metadataUrl}?test=${Date.now()}-${n}`,
          }),
        );
        const response = await postActivity(url, teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status' }), token);
        expect(response.status, metadataUrl).toBe(503);
        expect(JSON.parse(response.body)).toMatchObject({ error: { message: expect.stringMatching(/signing keys/) } });
        expect(response.body).not.toContain('lab-app-password');
        expect(logLines.some((line) => line.includes('signing keys could not be fetched'))).toBe(true);
        expect(handler.calls).toHaveLength(0);
      }
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});
