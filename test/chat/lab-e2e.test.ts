import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLab, postActivity, postSlashCommand, teamsActivity } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { teamsAuthentication } from '../../src/chat/teams/auth.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { parseConfig } from '../../src/config/load.js';
import { Secret } from '../../src/config/secret.js';
import { createCore } from '../../src/core.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { Store } from '../../src/store/store.js';
import { cardText, slackText, waitFor } from './helpers.js';

/**
 * The whole path in the lab: the real config (from the lab, plus the fake workspace's Slack
 * section), the real dispatcher and engine against the simulated tenant, Slack over signed HTTP and
 * Teams through /api/messages.
 */
describe('status through Slack and Teams against the lab', () => {
  let lab: Lab;
  let slackBot: SlackBot;
  let teamsBot: TeamsBot;
  let store: Store;
  let slackUrl: string;
  let teamsUrl: string;
  let core: ReturnType<typeof createCore>;

  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    const chat = chatLab(lab.state);
    if (!chat) throw new Error('the chat lab did not start');
    // The lab's default config runs the console alone; the fake workspace is opt-in.
    expect(lab.config.slack).toBeUndefined();
    expect(lab.config.services.slackApiUrl).toBe(chat.slack.apiUrl);
    const config = parseConfig({ ...lab.config, slack: chat.slackConfig('http', 0) }, { env: {} });
    const logger = pino({ level: 'silent' });
    core = createCore({ config, logger });
    const dispatch: ChatCommandHandler = (text, ctx) => handleCommand(text, { ...ctx, core });
    store = Store.open(config.store.path);
    slackBot = new SlackBot({ config, handleCommand: dispatch, store, logger, host: '127.0.0.1' });
    slackUrl = `http://127.0.0.1:${(await slackBot.start()).port}/slack/events`;
    // The bot signs in as the lab's bot app: its token endpoint, the channel's keys, the lab CA.
    const teams = {
      appId: lab.state.microsoft.botApp.appId,
      appPassword: new Secret(lab.state.microsoft.botApp.password, 'inline'),
      appType: 'MultiTenant' as const,
      port: 0,
    };
    teamsBot = new TeamsBot({
      config: { teams },
      authentication: teamsAuthentication(teams, {
        loginUrl: `${config.services.authorityHost}/botframework.com`,
        openIdMetadataUrl: chat.connector.openIdMetadataUrl,
        ca: readFileSync(config.services.caFile as string, 'utf8'),
      }),
      handleCommand: dispatch,
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
    teamsUrl = `http://127.0.0.1:${(await teamsBot.start()).port}/api/messages`;
  }, 30_000);

  afterAll(async () => {
    await Promise.allSettled([slackBot?.stop(), teamsBot?.stop()]);
    store?.close();
    await lab?.stop();
  });

  it('Slack: the signed command is acknowledged, and one message is updated to the final status', async () => {
    const slack = chatLab(lab.state)?.slack;
    if (!slack) throw new Error('no fake Slack');
    const response = await postSlashCommand(slackUrl, slack, { text: 'status' });
    expect(response.status).toBe(200);
    // Acknowledged before the checks finished. (The bot and this client share an event loop, so the
    // time measured here includes the first run's set-up; test/chat/slack-http.test.ts times the ack.)
    expect(core.lastReports.get('contoso')).toBeUndefined();
    const report = await waitFor(() => core.lastReports.get('contoso'), 20_000, 'the status report');
    const summary = reportToMessage(report).summary;
    const message = await waitFor(() => slack.messages.find((m) => !m.threadTs && m.text === summary), 5000, 'the final version');
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined)).toHaveLength(1);
    expect(slackText(message.blocks).split('\n')[0]).toContain(summary);
    expect(lab.requests.some((r) => r.service === 'slack' && r.key === 'POST /api/chat.postMessage')).toBe(true);
  }, 30_000);

  it('Teams: the activity is answered, and the card is updated to the final status', async () => {
    const connector = chatLab(lab.state)?.connector;
    if (!connector) throw new Error('no fake connector');
    core.lastReports.clear();
    const activity = teamsActivity({ serviceUrl: connector.serviceUrl, text: 'status', scope: 'channel' });
    const response = await postActivity(teamsUrl, activity, connector.channelAuthorization(lab.state.microsoft.botApp.appId));
    expect(response.status).toBe(200);
    expect(core.lastReports.get('contoso')).toBeUndefined();
    const report = await waitFor(() => core.lastReports.get('contoso'), 20_000, 'the status report');
    const summary = reportToMessage(report).summary;
    const record = await waitFor(() => connector.activities.find((a) => a.activity.summary === summary), 5000, 'the final card');
    const card = (record.activity.attachments as { content: unknown }[])[0]?.content;
    expect(cardText(card).split('\n')[0]).toContain(summary.replace(/`/g, ''));
  }, 30_000);
});
