import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slashCommandPayload } from '../../lab/chat/clients.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { Fault, RequestRecord } from '../../lab/faults.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { Store } from '../../src/store/store.js';
import { connectorIpMissingReport } from './fixtures/reports.js';
import { captureLogger, slackText, statusHandler, waitFor } from './helpers.js';

/** When Slack will not take the reply, the asker still gets one — or a sentence saying why. */
describe('Slack replies when posting is refused or fails', () => {
  let slack: FakeSlack;
  let bot: SlackBot | undefined;
  let store: Store;
  const shared: { faults: Fault[]; requests: RequestRecord[] } = { faults: [], requests: [] };

  async function startBot(handler: ChatCommandHandler) {
    const { logger, lines } = captureLogger();
    bot = new SlackBot({
      config: {
        slack: {
          botToken: new Secret(slack.identity.botToken, 'inline'),
          appToken: new Secret(slack.identity.appToken, 'inline'),
          mode: 'socket',
          port: 0,
        },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: handler,
      store,
      logger,
      updateIntervalMs: 100,
    });
    await bot.start();
    return lines;
  }

  beforeEach(async () => {
    shared.faults.length = 0;
    slack = await startFakeSlack(shared);
    store = Store.open(':memory:');
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.close();
    await slack.stop();
  });

  it('in a channel the bot is not in, the final reply and its evidence come through the response URL, with a tip', async () => {
    const report = connectorIpMissingReport();
    await startBot(statusHandler(report, 300));
    slack.channelsWithoutBot.add('C0PRIVATE1');
    await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status', channelId: 'C0PRIVATE1' }));

    await waitFor(() => slack.responses.length >= 3, 5000, 'the replies through the response URL');
    await waitFor(() => slack.responses.length >= 4, 5000, 'the replies through the response URL');
    const [main, passing, evidence, tip] = slack.responses.map((r) => r.body);
    expect(main?.response_type).toBe('in_channel');
    expect(main?.text).toBe(reportToMessage(report).summary);
    expect(slackText(main?.blocks as unknown[])).toContain('Set-InboundConnector');
    expect(slackText(passing?.blocks as unknown[])).toContain(`*Passing (${report.summary.pass})*`);
    expect(slackText(evidence?.blocks as unknown[])).toContain('*Evidence* (setting, observed, expected)');
    expect(tip).toMatchObject({ response_type: 'ephemeral' });
    expect(String(tip?.text)).toMatch(/^Tip: invite the mailsetup app to this channel/);
    // The refused post was not retried for each progress version.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(slack.messages).toHaveLength(0);
  });

  it('when Slack keeps failing, the asker gets a sentence (not a stack trace) and the bot carries on', async () => {
    const lines = await startBot(async () => ({ summary: '22 passing — all good', tone: 'ok', blocks: [{ type: 'text', text: 'fine' }] }));
    shared.faults.push({ service: 'slack', match: 'chat.postMessage', kind: 'status', status: 500 });
    await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status' }));

    const answer = await waitFor(() => slack.responses[0], 8000, 'the sentence');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toBe(
      "mailsetup could not post its reply here. Try again in a minute; if it keeps happening, the bot's log has the details.",
    );
    expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    expect(lines.join('\n')).toContain('The reply could not be posted to Slack');

    // Once Slack is back, the next command works.
    shared.faults.length = 0;
    await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status' }));
    await waitFor(() => slack.messages.find((m) => m.text === '22 passing — all good'), 5000, 'the reply');
  });

  it('a command that throws gets a sentence with a reference, and the log has the details', async () => {
    const lines = await startBot(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'connector')");
    });
    await slack.socket.send('slash_commands', slashCommandPayload(slack, { text: 'status' }));
    const message = await waitFor(() => slack.messages[0], 3000, 'the reply');
    expect(message.text).toMatch(
      /^Something went wrong inside mailsetup \(reference [0-9a-f]{8}\)\. The bot's log has the details; please try again\.$/,
    );
    const reference = /reference ([0-9a-f]{8})/.exec(message.text)?.[1];
    expect(lines.find((l) => l.includes(`"reference":"${reference}"`))).toContain(
      "Cannot read properties of undefined (reading 'connector')",
    );
  });
});
