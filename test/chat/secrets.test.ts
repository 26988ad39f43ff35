import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appHomeOpenedEvent, postActivity, postEvent, postSlashCommand, teamsActivity } from '../../lab/chat/clients.js';
import type { FakeConnector } from '../../lab/chat/connector.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import { labIssuedTokens } from '../../lab/issued-tokens.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { MailsetupError } from '../../src/errors.js';
import type { Message } from '../../src/render/message.js';
import { Store } from '../../src/store/store.js';
import { captureLogger, waitFor } from './helpers.js';
import { startTeamsLab, type TeamsLab } from './teams-lab.js';

/**
 * The bot token, the signing secret, the app-level token and the Teams app password never reach a
 * chat message or the log — even when a command's reply or error carries them by mistake.
 */
describe('secrets never reach chat or the log', () => {
  let slack: FakeSlack;
  let teamsLab: TeamsLab;
  let connector: FakeConnector;
  let store: Store;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    slack = await startFakeSlack();
    teamsLab = await startTeamsLab();
    connector = teamsLab.connector;
    store = Store.open(':memory:');
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    store.close();
    await Promise.all([slack.stop(), teamsLab.stop()]);
  });

  it('scrubs them from replies, errors, the App Home and the log', async () => {
    const secrets = [
      slack.identity.botToken,
      slack.identity.signingSecret,
      slack.identity.appToken,
      teamsLab.state.microsoft.botApp.password,
    ];
    const botToken = new Secret(slack.identity.botToken, 'inline');
    const signingSecret = new Secret(slack.identity.signingSecret, 'inline');
    const appToken = new Secret(slack.identity.appToken, 'inline');
    const leaky = `token ${secrets[0]} secret ${secrets[1]} app ${secrets[2]} password ${secrets[3]}`;

    // A careless command layer: a reply quoting secrets, a plain error and a usage error carrying them.
    const handler: ChatCommandHandler = async (text, ctx) => {
      if (text === 'crash') throw new Error(`connection failed with ${leaky}`);
      if (text === 'usage') throw new MailsetupError('UsageError', `bad argument ${leaky}`);
      const reply: Message = {
        summary: `status ${leaky}`,
        tone: 'bad',
        blocks: [
          { type: 'heading', text: `Mail setup ${leaky}` },
          {
            type: 'check',
            id: 'erp-reachable',
            title: 'ERP',
            status: 'fail',
            detail: leaky,
            remediation: leaky,
            command: leaky,
            evidence: [{ label: 'seen', value: leaky }],
          },
          { type: 'fields', fields: [{ label: 'token', value: leaky }] },
        ],
        details: [{ type: 'code', text: leaky }],
      };
      await ctx.update?.({ ...reply, inProgress: true });
      return reply;
    };

    const { logger, lines } = captureLogger();
    const slackBot = new SlackBot({
      config: {
        slack: { botToken, signingSecret, appToken, mode: 'http', port: 0 },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: handler,
      store,
      logger,
      host: '127.0.0.1',
      updateIntervalMs: 50,
    });
    const { port } = await slackBot.start();
    stops.push(() => slackBot.stop());
    const slackUrl = `http://127.0.0.1:${port}/slack/events`;

    const teamsBot = new TeamsBot({
      config: { teams: teamsLab.teams },
      authentication: teamsLab.authentication(),
      handleCommand: handler,
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
      updateIntervalMs: 50,
    });
    const teamsUrl = `http://127.0.0.1:${(await teamsBot.start()).port}/api/messages`;
    stops.push(() => teamsBot.stop());

    for (const text of ['status', 'crash', 'usage']) {
      expect((await postSlashCommand(slackUrl, slack, { text })).status).toBe(200);
      const activity = teamsActivity({ serviceUrl: connector.serviceUrl, text });
      expect((await postActivity(teamsUrl, activity, teamsLab.channelAuthorization())).status).toBe(200);
    }
    await waitFor(() => slack.messages.filter((m) => !m.threadTs).length >= 2 && slack.responses.length >= 1, 5000, 'Slack replies');
    await waitFor(() => connector.activities.length >= 3, 5000, 'Teams replies');
    await waitFor(() => store.lastStatus(), 2000, 'the stored status');
    await postEvent(slackUrl, slack, appHomeOpenedEvent());
    await waitFor(() => slack.views.length > 0, 3000, 'the App Home');
    await slackBot.stop();
    await teamsBot.stop();

    const posted = JSON.stringify({
      messages: slack.messages,
      responses: slack.responses,
      views: slack.views,
      teams: connector.activities,
      stored: store.lastStatus(),
    });
    const logged = lines.join('\n');
    // The replies arrived, with the secrets replaced.
    expect(posted).toContain('[redacted]');
    expect(posted).toContain('Something went wrong inside mailsetup (reference');
    expect(posted).toContain('bad argument token [redacted]');
    expect(logged).toContain('connection failed with token [redacted]');
    // The Bot Framework token the bot got from the lab's token endpoint, and any other the labs issued.
    const issued = labIssuedTokens();
    expect(teamsLab.state.microsoft.tokens.filter((t) => t.audience === 'botframework').length).toBeGreaterThan(0);
    for (const secret of [...secrets, ...issued]) {
      expect(posted, 'a secret was posted').not.toContain(secret);
      expect(logged, 'a secret was logged').not.toContain(secret);
    }
  });
});
