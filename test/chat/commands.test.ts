import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postActivity, slashCommandPayload, teamsActivity } from '../../lab/chat/clients.js';
import type { FakeConnector } from '../../lab/chat/connector.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { createCore } from '../../src/core.js';
import { Store } from '../../src/store/store.js';
import { noAdapters, testConfig } from '../engine/fixtures.js';
import { cardText, slackText, waitFor } from './helpers.js';
import { startTeamsLab, type TeamsLab } from './teams-lab.js';

/**
 * The real dispatcher behind both front ends: help, an unknown verb, a verb with bad arguments and
 * a 5,000-character argument each get a short, useful answer, and nothing crashes.
 */
const core = createCore({ config: testConfig(), logger: pino({ level: 'silent' }), catalogue: [], adapterFactory: () => noAdapters });
const dispatch: ChatCommandHandler = (text, ctx) => handleCommand(text, { ...ctx, core });

const CASES = [
  { text: 'help', ephemeral: false, expect: /^mailsetup checks the Twenty20 ERP ↔ Exchange Online mail setup/, body: /status \[tenant\]/ },
  { text: 'frobnicate', ephemeral: true, expect: /^"frobnicate" is not a mailsetup verb\. Verbs: status, check, explain/ },
  { text: 'explain', ephemeral: true, expect: /^`explain` takes exactly one check id\. Usage: `explain <id>`\.$/ },
  { text: `check ${'x'.repeat(5000)}`, ephemeral: true, expect: /^That command is 5,006 characters long; commands are short\./ },
] as const;

describe('commands through Slack and Teams (real dispatcher)', () => {
  let slack: FakeSlack;
  let teamsLab: TeamsLab;
  let connector: FakeConnector;
  let slackBot: SlackBot;
  let teamsBot: TeamsBot;
  let store: Store;
  let teamsUrl: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    teamsLab = await startTeamsLab();
    connector = teamsLab.connector;
    store = Store.open(':memory:');
    const logger = pino({ level: 'silent' });
    slackBot = new SlackBot({
      config: {
        slack: {
          botToken: new Secret(slack.identity.botToken, 'inline'),
          appToken: new Secret(slack.identity.appToken, 'inline'),
          mode: 'socket',
          port: 0,
        },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: dispatch,
      store,
      logger,
    });
    await slackBot.start();
    teamsBot = new TeamsBot({
      config: { teams: teamsLab.teams },
      authentication: teamsLab.authentication(),
      handleCommand: dispatch,
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
    teamsUrl = `http://127.0.0.1:${(await teamsBot.start()).port}/api/messages`;
  });
  afterAll(async () => {
    await Promise.all([slackBot.stop(), teamsBot.stop()]);
    store.close();
    await Promise.all([slack.stop(), teamsLab.stop()]);
  });

  for (const c of CASES) {
    const label = c.text.length > 20 ? `a ${c.text.length}-character command` : `"${c.text}"`;

    it(`Slack: ${label} gets a short, useful answer${c.ephemeral ? ' that only the asker sees' : ''}`, async () => {
      const before = { messages: slack.messages.length, responses: slack.responses.length };
      const payload = slashCommandPayload(slack, { text: c.text });
      const ack = await slack.socket.send('slash_commands', payload);
      expect(ack.envelope_id).toBeTruthy();
      if (c.ephemeral) {
        const response = await waitFor(() => slack.responses[before.responses], 3000, 'the ephemeral answer');
        expect(response.body.response_type).toBe('ephemeral');
        expect(payload.response_url).toContain(response.id);
        expect(String(response.body.text)).toMatch(c.expect);
        expect(String(response.body.text).length).toBeLessThan(300);
        expect(slack.messages.length).toBe(before.messages);
      } else {
        const message = await waitFor(() => slack.messages[before.messages], 3000, 'the answer');
        expect(message.text).toMatch(c.expect);
        if ('body' in c) expect(slackText(message.blocks)).toMatch(c.body);
      }
    });

    it(`Teams: ${label} gets a short, useful answer`, async () => {
      const before = connector.activities.length;
      const activity = teamsActivity({ serviceUrl: connector.serviceUrl, text: c.text, scope: 'channel' });
      const response = await postActivity(teamsUrl, activity, teamsLab.channelAuthorization());
      expect(response.status).toBe(200);
      const record = await waitFor(() => connector.activities[before], 3000, 'the answer');
      const card = (record.activity.attachments as { content: unknown }[])[0]?.content;
      const first = cardText(card).split('\n')[0] ?? '';
      // Code spans are monospace runs on a card (no backticks shown).
      expect(first.replace(/^\S+ /, '')).toMatch(new RegExp(c.expect.source.replace(/`/g, '')));
      expect(String(record.activity.summary).length).toBeLessThan(300);
      if ('body' in c) expect(cardText(card)).toMatch(c.body);
    });
  }
});
