import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appHomeOpenedEvent, slashCommandPayload } from '../../lab/chat/clients.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { Store } from '../../src/store/store.js';
import { healthyReport } from './fixtures/reports.js';
import { ackTimes, captureLogger, slackText, statusHandler, waitFor } from './helpers.js';

describe('Slack over Socket Mode (the default: outbound connection only)', () => {
  let slack: FakeSlack;
  let bot: SlackBot | undefined;
  let store: Store;

  function makeBot(handler: ReturnType<typeof statusHandler>, appToken = slack.identity.appToken) {
    const { logger } = captureLogger();
    return new SlackBot({
      config: {
        slack: {
          botToken: new Secret(slack.identity.botToken, 'inline'),
          appToken: new Secret(appToken, 'inline'),
          mode: 'socket',
          port: 0,
        },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: handler,
      store,
      logger,
    });
  }

  beforeEach(async () => {
    slack = await startFakeSlack();
    store = Store.open(':memory:');
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.close();
    await slack.stop();
  });

  it('acknowledges the slash_commands envelope at once, then posts and updates the reply to its final state', async () => {
    const report = healthyReport();
    const final = reportToMessage(report);
    const handler = statusHandler(report, 1000);
    bot = makeBot(handler);
    await bot.start();
    expect(slack.socket.connections).toBe(1);
    // The bot opened the connection itself, with the app-level token (apps.connections.open).
    expect(slack.calls.some((c) => c.method === 'apps.connections.open')).toBe(true);

    await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status' }));
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]?.finishedAt).toBeUndefined();

    const message = await waitFor(() => slack.messages.find((m) => m.text === final.summary), 5000, 'the final version');
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.update').every((c) => c.args.ts === message.ts)).toBe(true);
    expect(message.versions.length).toBeGreaterThanOrEqual(2);
    const text = slackText(message.blocks);
    expect(text.split('\n')[0]).toContain('22 passing — all good');
    // Passing checks are folded into one compact line, not 22 sections.
    expect(message.blocks.length).toBeLessThan(8);
    expect(text).toContain('Passing (22)');
  });

  it('acknowledges each slash_commands envelope before its command finishes', async () => {
    const handler = statusHandler(healthyReport(), 1000);
    bot = makeBot(handler);
    await bot.start();
    await ackTimes(3, async () => {
      const sent = Date.now();
      const ack = await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status' }));
      expect(handler.calls.at(-1)?.finishedAt).toBeUndefined();
      return ack.at - sent;
    });
    await waitFor(() => handler.calls.length === 3 && handler.calls.every((c) => c.finishedAt), 5000, 'the commands to finish');
  });

  it('publishes the App Home tab on app_home_opened (events_api envelope)', async () => {
    bot = makeBot(statusHandler(healthyReport(), 10));
    await bot.start();
    await slack.socket.send('events_api', {
      type: 'event_callback',
      team_id: slack.identity.teamId,
      api_app_id: slack.identity.appId,
      event: appHomeOpenedEvent(),
      event_id: 'Ev0LAB0001',
      event_time: Math.floor(Date.now() / 1000),
    });
    const view = await waitFor(() => slack.views[0], 3000, 'views.publish');
    expect(slackText(view.view.blocks as unknown[])).toContain('No status yet');
  });

  it('fails to start with a sentence when Slack refuses the app-level token', async () => {
    bot = makeBot(statusHandler(healthyReport(), 10), 'xapp-1-not-a-real-token');
    await expect(bot.start()).rejects.toThrow(/Slack refused the app-level token \(invalid_auth\)/);
  });
});
