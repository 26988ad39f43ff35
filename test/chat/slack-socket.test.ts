import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appHomeOpenedEvent, slashCommandPayload } from '../../lab/chat/clients.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { LabTraffic } from '../../lab/faults.js';
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
  let traffic: LabTraffic;

  let logLines: string[] = [];

  function makeBot(handler: ReturnType<typeof statusHandler>, appToken = slack.identity.appToken) {
    const { logger, lines } = captureLogger();
    logLines = lines;
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
      socketBackoff: { minTimeoutMs: 50, maxTimeoutMs: 200 },
    });
  }

  /** The log lines at warn level or above (pino: 40 and up), parsed. */
  const warnings = () => logLines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level >= 40);

  async function expectRefusedAppToken(code: string) {
    const error = await bot?.start().then(
      () => undefined,
      (e: unknown) => e as { message: string; hint?: string },
    );
    expect(error?.message).toBe(`Slack refused the app-level token (${code}).`);
    expect(error?.hint).toMatch(/xapp-/);
    expect(error?.hint).toMatch(/connections:write/);
    expect(error?.hint).toMatch(/Basic Information → App-Level Tokens/);
    expect(slack.socket.connections).toBe(0);
  }

  beforeEach(async () => {
    traffic = { faults: [], requests: [] };
    slack = await startFakeSlack(traffic);
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
    const total = report.checks.length;
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined)).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.update').every((c) => c.args.ts === message.ts)).toBe(true);
    expect(message.versions.length).toBeGreaterThanOrEqual(2);
    const text = slackText(message.blocks);
    expect(text.split('\n')[0]).toContain(`${total} passing — all good`);
    // Passing checks are folded into a count, not one section each; their list is in the thread.
    expect(message.blocks.length).toBeLessThan(8);
    expect(text).toContain(`Passing (${total})`);
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

  it('fails to start with a sentence and a hint when Slack refuses the app-level token (invalid_auth)', async () => {
    bot = makeBot(statusHandler(healthyReport(), 10), 'xapp-1-not-a-real-token');
    await expectRefusedAppToken('invalid_auth');
  });

  it('fails to start, instead of retrying forever, when the app-level token is another kind of token (not_allowed_token_type)', async () => {
    // The bot token where the app-level token belongs: Slack answers not_allowed_token_type.
    bot = makeBot(statusHandler(healthyReport(), 10), slack.identity.botToken);
    await expectRefusedAppToken('not_allowed_token_type');
    expect(traffic.requests.filter((r) => r.key === 'POST /api/apps.connections.open')).toHaveLength(1);
  });

  it('fails to start when the app-level token belongs to a deactivated app or workspace (account_inactive)', async () => {
    slack.refusedTokens.set(slack.identity.appToken, 'account_inactive');
    bot = makeBot(statusHandler(healthyReport(), 10));
    await expectRefusedAppToken('account_inactive');
  });

  it('fails to start with a sentence when the WebSocket cannot be opened (a firewall that lets only HTTPS through)', async () => {
    slack.socket.blockWebSockets = true;
    bot = makeBot(statusHandler(healthyReport(), 10));
    const error = await bot.start().then(
      () => undefined,
      (e: unknown) => e as { message: string; hint?: string },
    );
    expect(error?.message).toMatch(/^Slack Socket Mode could not open its WebSocket connection \(.+\)\.$/);
    expect(error?.message).not.toContain('undefined');
    expect(error?.hint).toMatch(/wss-primary\.slack\.com/);
  });

  it('retries a Slack it cannot reach with backoff, logging the outage once and the connection once', async () => {
    traffic.faults.push({ service: 'slack', match: 'apps.connections.open', kind: 'close', times: 4 });
    bot = makeBot(statusHandler(healthyReport(), 10));
    await bot.start();
    expect(slack.socket.connections).toBe(1);
    expect(traffic.requests.filter((r) => r.key === 'POST /api/apps.connections.open')).toHaveLength(5);

    // Four failed attempts, one line about them; then one line when it connected.
    expect(warnings().map((w) => w.msg)).toEqual([expect.stringMatching(/^Slack Socket Mode cannot connect .*; retrying/)]);
    expect(logLines.filter((line) => line.includes('Slack Socket Mode connected again'))).toHaveLength(1);
  });

  it('stops cleanly while it is still retrying an unreachable Slack', async () => {
    traffic.faults.push({ service: 'slack', match: 'apps.connections.open', kind: 'close' });
    bot = makeBot(statusHandler(healthyReport(), 10));
    const starting = bot.start().then(
      () => 'connected',
      (e: unknown) => (e as Error).message,
    );
    await waitFor(() => traffic.requests.filter((r) => r.key === 'POST /api/apps.connections.open').length >= 2, 3000, 'a retry');
    await bot.stop();
    expect(await starting).toBe('The Slack front end was stopped before it could connect.');
    const attempts = traffic.requests.filter((r) => r.key === 'POST /api/apps.connections.open').length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(traffic.requests.filter((r) => r.key === 'POST /api/apps.connections.open')).toHaveLength(attempts);
  });

  it('reopens a connection Slack recycles, logging the loss and the outage once each', async () => {
    const handler = statusHandler(healthyReport(), 10);
    bot = makeBot(handler);
    await bot.start();
    traffic.faults.push({ service: 'slack', match: 'apps.connections.open', kind: 'close', times: 3 });

    slack.socket.disconnect();
    await waitFor(() => slack.socket.connections === 0, 3000, 'the client to close the recycled connection');
    // socket-mode waits 5 s before reconnecting.
    await waitFor(() => slack.socket.connections === 1, 15_000, 'the client to reconnect');

    expect(warnings().map((w) => w.msg)).toEqual([
      'The Slack Socket Mode connection was lost; reconnecting',
      expect.stringMatching(/^Slack Socket Mode cannot connect .*; retrying/),
    ]);
    await waitFor(() => logLines.some((line) => line.includes('Slack Socket Mode connected again')), 2000, 'the reconnection line');
    const ack = await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status' }));
    expect(ack.envelope_id).toBeTruthy();
    await waitFor(() => handler.calls.length === 1, 3000, 'the command after reconnecting');
  });

  it('survives Slack refusing the app token on a reconnect: one sentence in the log, not ready, no crash', async () => {
    const unhandled: string[] = [];
    const hook = (reason: unknown) => unhandled.push(String(reason));
    process.on('unhandledRejection', hook);
    try {
      bot = makeBot(statusHandler(healthyReport(), 10));
      await bot.start();
      expect(bot.notReady()).toBeUndefined();
      // The workspace is deactivated while the bot runs; Slack recycles the connection.
      slack.refusedTokens.set(slack.identity.appToken, 'account_inactive');
      slack.socket.disconnect();
      // socket-mode waits 5 s before reconnecting.
      await waitFor(() => logLines.some((l) => l.includes('Slack refused the app token while reconnecting')), 15_000, 'the refusal line');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
      const errors = logLines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((e) => e.level >= 50);
      expect(errors.filter((e) => e.msg.startsWith('Slack refused the app token'))).toHaveLength(1);
      expect(errors.find((e) => e.msg.startsWith('Slack refused the app token'))?.msg).toContain(
        'Slack refused the app token while reconnecting (account_inactive), so Slack commands and buttons stop reaching the bot',
      );
      expect(bot.notReady()).toBe(
        'Slack refused the app token (account_inactive): put a valid slack.appToken in the config and restart the bot',
      );
    } finally {
      process.off('unhandledRejection', hook);
    }
  }, 30_000);
});
