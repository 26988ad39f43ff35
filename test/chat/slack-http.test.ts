import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appHomeOpenedEvent, postEvent, postSigned, postSlashCommand, signedSlashCommand } from '../../lab/chat/clients.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { Store } from '../../src/store/store.js';
import { connectorIpMissingReport } from './fixtures/reports.js';
import { ackTimes, captureLogger, slackText, statusHandler, waitFor } from './helpers.js';

describe('Slack over HTTP (signed requests to /slack/events)', () => {
  let slack: FakeSlack;
  let bot: SlackBot | undefined;
  let store: Store;
  let url: string;
  const report = connectorIpMissingReport();
  const final = reportToMessage(report);

  let logLines: string[] = [];

  async function startBot(handler: ReturnType<typeof statusHandler>) {
    const { logger, lines } = captureLogger();
    logLines = lines;
    bot = new SlackBot({
      config: {
        slack: {
          botToken: new Secret(slack.identity.botToken, 'inline'),
          signingSecret: new Secret(slack.identity.signingSecret, 'inline'),
          mode: 'http',
          port: 0,
        },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: handler,
      store,
      logger,
      host: '127.0.0.1',
    });
    const { port } = await bot.start();
    url = `http://127.0.0.1:${port}/slack/events`;
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

  it('acknowledges a signed /mailsetup status at once, long before the checks finish', async () => {
    const handler = statusHandler(report, 1000);
    await startBot(handler);
    await ackTimes(3, async () => {
      const response = await postSlashCommand(url, slack, { text: 'status' });
      expect(response.status).toBe(200);
      // Still running: Slack had its answer before the command finished.
      expect(handler.calls.at(-1)?.finishedAt).toBeUndefined();
      return response.ms;
    });
    await waitFor(() => handler.calls.every((c) => c.finishedAt), 5000, 'the commands to finish');
  });

  it('posts one message and updates it (same ts, throttled) until the final summary, evidence in the thread', async () => {
    const handler = statusHandler(report, 1000);
    await startBot(handler);

    const response = await postSlashCommand(url, slack, { text: 'status' });
    expect(response.status).toBe(200);
    expect(handler.calls[0]?.finishedAt).toBeUndefined();

    const message = await waitFor(() => slack.messages.find((m) => !m.threadTs && m.text === final.summary), 5000, 'the final version');
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined);
    expect(posts).toHaveLength(1);
    const updates = slack.calls.filter((c) => c.method === 'chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.args.ts === message.ts && u.args.channel === 'C0LABOPS01')).toBe(true);
    // Throttled: 22 progress versions in ~1 s became at most a few sends, about a second apart.
    expect(message.versions.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < message.versions.length; i++) {
      expect((message.versions[i]?.at ?? 0) - (message.versions[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    }
    // The final version leads with the summary and shows the failure's fix.
    const text = slackText(message.blocks);
    expect(text.split('\n')[0]).toContain(`2 failing, 1 warning, ${report.summary.pass} passing`);
    expect(text).toContain("Set-InboundConnector -Identity 'Twenty20 ERP relay'");
    // The evidence went to the thread of that message.
    const thread = await waitFor(
      () => {
        const replies = slack.messages.filter((m) => m.threadTs === message.ts);
        // The list of passing checks, then the evidence.
        return replies.length > 1 && replies;
      },
      3000,
      'the evidence in the thread',
    );
    expect(slackText(thread.flatMap((m) => m.blocks))).toContain('198.51.100.20');
    expect(handler.calls[0]?.ctx.actor).toEqual({ platform: 'slack', userId: 'U0LABADA01', displayName: 'ada' });
  });

  it('shows the last status on the App Home tab', async () => {
    await startBot(statusHandler(report, 50));
    await postSlashCommand(url, slack, { text: 'status' });
    await waitFor(() => slack.messages.find((m) => m.text === final.summary), 5000, 'the final version');
    await waitFor(() => store.lastStatus(), 2000, 'the stored status');

    const response = await postEvent(url, slack, appHomeOpenedEvent('U0LABBOB01'));
    expect(response.status).toBe(200);
    const view = await waitFor(() => slack.views[0], 3000, 'views.publish');
    expect(view.userId).toBe('U0LABBOB01');
    const text = slackText(view.view.blocks as unknown[]);
    expect(text).toContain('Last status');
    expect(text).toContain('asked by ada');
    expect(text).toContain(`2 failing, 1 warning, ${report.summary.pass} passing`);
  });

  it('refuses a bad signature and a stale timestamp with 401, and runs nothing', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);

    const forged = await postSlashCommand(url, slack, { text: 'status' }, { signingSecret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const stale = await postSlashCommand(url, slack, { text: 'status' }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handler.calls).toHaveLength(0);
    expect(slack.calls.filter((c) => c.method.startsWith('chat.'))).toHaveLength(0);
  });

  it('refuses a timestamp more than 5 minutes in the future with 401, and runs nothing', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);

    const ahead = await postSlashCommand(url, slack, { text: 'status' }, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    expect(ahead.status).toBe(401);
    // Within the window either way is accepted: a clock a little fast is not an attack.
    const slightlyAhead = await postSlashCommand(url, slack, { text: 'help' }, { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(slightlyAhead.status).toBe(200);

    await waitFor(() => handler.calls.length === 1, 3000, 'the accepted command');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handler.calls.map((c) => c.text)).toEqual(['help']);
  });

  it('runs the same signed request once when it is delivered twice', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);

    const request = signedSlashCommand(slack, { text: 'status' });
    const first = await postSigned(url, request);
    expect(first.status).toBe(200);
    const replayed = await postSigned(url, request);
    expect(replayed.status).toBe(401);

    await waitFor(() => handler.calls.length === 1 && handler.calls[0]?.finishedAt, 3000, 'the first delivery to run');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handler.calls).toHaveLength(1);
    expect(logLines.join('')).toContain('replayed');
  });

  it("acknowledges Slack's own retry of an event (X-Slack-Retry-Num) without running it again", async () => {
    await startBot(statusHandler(report, 10));

    const first = await postEvent(url, slack, appHomeOpenedEvent('U0LABBOB01'));
    expect(first.status).toBe(200);
    await waitFor(() => slack.views[0], 3000, 'views.publish');
    const retry = await postEvent(url, slack, appHomeOpenedEvent('U0LABBOB01'), { retryNum: 1 });
    expect(retry.status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.views).toHaveLength(1);
  });

  it('refuses a request over 64 KB with 413 before reading it as a command', async () => {
    const handler = statusHandler(report, 10);
    await startBot(handler);

    const large = await postSlashCommand(url, slack, { text: `check ${'x'.repeat(70 * 1024)}` });
    expect(large.status).toBe(413);
    // Just under the limit is still a command.
    const fits = await postSlashCommand(url, slack, { text: `check ${'x'.repeat(60 * 1024)}` });
    expect(fits.status).toBe(200);

    await waitFor(() => handler.calls.length === 1, 3000, 'the command that fits');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]?.text.length).toBeLessThan(64 * 1024);
  });
});
