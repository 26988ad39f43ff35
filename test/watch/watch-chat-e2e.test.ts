import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_TEAMS, postActivity, teamsActivity } from '../../lab/chat/clients.js';
import { chatLab } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import { createApprovals } from '../../src/approvals/wiring.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { teamsAuthentication } from '../../src/chat/teams/auth.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { parseConfig } from '../../src/config/load.js';
import { Secret } from '../../src/config/secret.js';
import { createCore } from '../../src/core.js';
import { setUpWatch, type WatchSetup } from '../../src/monitor/watcher-setup.js';
import { Store } from '../../src/store/store.js';
import { cardText, slackText, waitFor } from '../chat/helpers.js';

const SLACK_CHANNEL = 'C0LABOPS01';
const TEAMS_CHANNEL = LAB_TEAMS.channelConversation;

/**
 * The whole watch as `start` wires it, against the lab changed at run time: the watcher's cycles,
 * the alert book and outbox on one store, the Slack poster to the fake Web API and the Teams poster
 * through the fake Bot Connector (to the channel whose reference the bot stored when spoken to).
 */
describe('watch end to end: the lab breaks at run time, the alert reaches Slack and Teams once, and so does the recovery', () => {
  let lab: Lab;
  let store: Store;
  let watch: WatchSetup;
  let slackBot: SlackBot;
  let teamsBot: TeamsBot;
  let stopApprovals: () => Promise<void>;

  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    const chat = chatLab(lab.state);
    if (!chat) throw new Error('the chat lab did not start');
    const [contoso] = lab.config.tenants as Record<string, unknown>[];
    const config = parseConfig(
      {
        ...lab.config,
        tenants: [{ ...contoso, alerts: { slack: [SLACK_CHANNEL], teams: [TEAMS_CHANNEL] } }],
        slack: chat.slackConfig('http', 0),
        watch: { every: '5m', e2eEvery: 'off' },
      },
      { env: {} },
    );
    const logger = pino({ level: 'silent' });
    store = Store.open(':memory:');
    const core = createCore({ config, logger, store });
    const approvals = createApprovals(core, store, logger);
    stopApprovals = () => approvals.stop();
    watch = setUpWatch({ core, store, logger });
    const alerts = {
      click: watch.alerts.actions.click.bind(watch.alerts.actions),
      setPoster: watch.alerts.posters.setPoster.bind(watch.alerts.posters),
    };
    const dispatch: ChatCommandHandler = (text, ctx) => handleCommand(text, { ...ctx, core });
    slackBot = new SlackBot({ config, handleCommand: dispatch, store, approvals, alerts, logger, host: '127.0.0.1' });
    await slackBot.start();
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
      approvals,
      alerts,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
    const teamsUrl = `http://127.0.0.1:${(await teamsBot.start()).port}/api/messages`;
    // Someone speaks to the bot in the Teams channel once: its conversation reference is stored.
    const spoken = await postActivity(
      teamsUrl,
      teamsActivity({ serviceUrl: chat.connector.serviceUrl, text: 'help', scope: 'channel' }),
      chat.connector.channelAuthorization(teams.appId),
    );
    expect(spoken.status).toBe(200);
    await waitFor(() => store.conversationRef('teams', TEAMS_CHANNEL), 5000, 'the stored Teams reference');
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([slackBot?.stop(), teamsBot?.stop()]);
    await stopApprovals?.();
    await watch?.watcher.stop();
    store?.close();
    await lab?.stop();
  });

  it('healthy → rule disabled at run time: one root in each channel after the second failing cycle, with the diff; restored: one recovery each', async () => {
    const chat = chatLab(lab.state)!;
    const slackRoots = () => chat.slack.messages.filter((m) => m.channel === SLACK_CHANNEL && !m.threadTs);
    const teamsAlerts = () =>
      chat.connector.activities.filter((a) => a.conversationId === TEAMS_CHANNEL && cardText(a.activity).includes('catch-all rule'));

    await watch.watcher.runCycle();
    expect(slackRoots()).toHaveLength(0);

    lab.setScenario('catchall-rule-disabled');
    await watch.watcher.runCycle();
    // Pending after one failing run: nothing posted yet.
    expect(slackRoots()).toHaveLength(0);
    expect(teamsAlerts()).toHaveLength(0);

    await watch.watcher.runCycle();
    await waitFor(() => slackRoots().length > 0 && teamsAlerts().length > 0, 10_000, 'the alert in both channels');
    expect(slackRoots()).toHaveLength(1);
    const slackRoot = slackRoots()[0]!;
    expect(slackText(slackRoot.blocks)).toContain('contoso: the catch-all rule stopped working');
    expect(slackText(slackRoot.blocks)).toContain('`State` Enabled → Disabled');
    const teamsRoot = teamsAlerts()[0]!;
    expect(cardText(teamsRoot.activity)).toContain('contoso: the catch-all rule stopped working');

    // A third failing cycle: no new root anywhere.
    await watch.watcher.runCycle();
    expect(slackRoots()).toHaveLength(1);
    expect(teamsAlerts()).toHaveLength(1);

    lab.setScenario('healthy');
    await watch.watcher.runCycle();
    await waitFor(
      () => chat.slack.messages.some((m) => m.threadTs === slackRoot.ts && m.broadcast),
      10_000,
      'the Slack recovery in the thread',
    );
    const recoveries = chat.slack.messages.filter((m) => m.threadTs === slackRoot.ts && m.broadcast);
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]?.text).toMatch(/resolved/i);
    expect(slackText(slackRoot.blocks).split('\n')[0]).toMatch(/^✅/);
    expect(slackRoots()).toHaveLength(1);
    // In Teams the recovery is a reply in the root's thread, and the root card is rewritten.
    await waitFor(
      () =>
        chat.connector.activities.some(
          (a) => a.conversationId === TEAMS_CHANNEL && /resolved/i.test(cardText(a.activity)) && a.id !== teamsRoot.id,
        ),
      10_000,
      'the Teams recovery',
    );
    expect(teamsRoot.versions.length).toBeGreaterThan(1);
    expect(cardText(teamsRoot.activity)).toMatch(/^✅ contoso: the catch-all rule stopped working — resolved/);
    const teamsReplies = chat.connector.activities.filter(
      (a) => a.conversationId === TEAMS_CHANNEL && a.activity.replyToId === teamsRoot.id,
    );
    expect(teamsReplies.map((a) => cardText(a.activity).split('\n')[0])).toEqual([
      expect.stringMatching(/^✅ contoso: the catch-all rule works again \(resolved after/),
    ]);
  }, 120_000);
});
