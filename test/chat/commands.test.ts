import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postActivity, slashCommandPayload, teamsActivity } from '../../lab/chat/clients.js';
import type { FakeConnector } from '../../lab/chat/connector.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { COMMANDS, handleCommand } from '../../src/commands/dispatch.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { createCore } from '../../src/core.js';
import { renderBlocks } from '../../src/render/blocks.js';
import { renderCards } from '../../src/render/cards.js';
import type { Message } from '../../src/render/message.js';
import { renderText } from '../../src/render/text.js';
import { Store } from '../../src/store/store.js';
import { check, noAdapters, pass, testConfig } from '../engine/fixtures.js';
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
  { text: 'explain', ephemeral: true, expect: /^`explain` takes exactly one check id\. Usage: `explain <id> \[tenant\]`\.$/ },
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

describe('help and explain as a person reads them', () => {
  const config = testConfig();
  const tenant = config.tenants[0];
  if (!tenant) throw new Error('testConfig has a tenant');
  Object.assign(tenant, { catchallMailbox: 'mail-in@contoso.test', transportRule: 'ERP catch-all', dynamicGroup: 'AllStaff' });
  const realCore = createCore({ config, logger: pino({ level: 'silent' }), catalogue: CATALOGUE, adapterFactory: () => noAdapters });
  const ask = (text: string) => handleCommand(text, { core: realCore, actor: { platform: 'slack', userId: 'U1' } });

  it('help: one line per verb in the Slack form, no nested parentheses, the verbs not built yet named once', async () => {
    const slack = slackText(renderBlocks(await ask('help')).main.blocks);
    for (const c of COMMANDS) expect(slack).toContain(`\`/mailsetup ${c.usage.replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``);
    expect(slack).not.toMatch(/\([^()]*\(/);
    expect(slack).not.toContain('Not built yet');
    const teams = cardText(renderCards(await ask('help')).cards[0]);
    expect(teams).toContain('@mailsetup check <id or area> [tenant]');
  });

  it('explain of an unknown id points to a command that exists, in the Slack form', async () => {
    const slack = renderBlocks(await ask('explain qqq')).main.text;
    expect(slack).toBe(
      'There is no check called "qqq". Areas: exchange, entra, dns, erp, mailflow; `/mailsetup check <area>` shows an area\'s checks with their ids.',
    );
  });

  it("explain: the title once, paragraphs reflowed, the tenant's own values filled in", async () => {
    const message = await ask('explain exchange-catchall-rule');
    const title = CATALOGUE.find((c) => c.meta.id === 'exchange-catchall-rule')?.meta.title ?? '';
    const text = renderText(message);
    expect(text.match(new RegExp(title, 'g'))).toHaveLength(1);
    // A paragraph of the file is one line, not the file's wrapping.
    const purpose = text.split('\n').find((l) => l.startsWith('The transport rule'));
    expect(purpose).toMatch(/the catch-all itself: .* redirects the message to the catch-all mailbox, where the ERP picks it up\./);
    expect(text).toContain('Redirect the message to `mail-in@contoso.test`');
    expect(text).toContain("New-TransportRule -Name 'ERP catch-all' -RedirectMessageTo mail-in@contoso.test");
    expect(text).toContain('ExceptIfSentToMemberOf AllStaff');
    expect(text).not.toMatch(/<domain>|erp@<|Catchall for Twenty20|DynamicAllUsers/);
  });
});

describe('the tenant, named the same way in every reply', () => {
  const catalogue = [check('erp-one', [], () => pass()), check('erp-two', [], () => ({ status: 'fail', detail: 'Broken.' }))];
  const core = createCore({ config: testConfig(), logger: pino({ level: 'silent' }), catalogue, adapterFactory: () => noAdapters });

  it('status, check and their progress versions all name it "Mail setup of contoso.test"', async () => {
    const progress: string[] = [];
    const ctx = { core, actor: { platform: 'cli' as const, userId: 'u' }, update: (m: Message) => void progress.push(renderText(m)) };
    const headings = (text: string) => text.split('\n').filter((l) => l.startsWith('== Mail setup'));
    expect(headings(renderText(await handleCommand('status', ctx)))).toEqual(['== Mail setup of contoso.test ==']);
    expect(headings(renderText(await handleCommand('check erp-two', ctx)))).toEqual(['== Mail setup of contoso.test: `erp-two` ==']);
    expect(progress.length).toBeGreaterThan(0);
    for (const version of progress) expect(headings(version)).toEqual(['== Mail setup of contoso.test ==']);
  });
});
