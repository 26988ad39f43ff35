import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_TEAMS, postActivity, teamsInstallActivity } from '../../lab/chat/clients.js';
import { TeamsCardPublisher } from '../../src/chat/teams/plan-actions.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { Store } from '../../src/store/store.js';
import { waitFor } from './helpers.js';
import { startTeamsLab, type TeamsLab } from './teams-lab.js';

/**
 * After a restart the bot no longer holds the reply that posted a plan card: the re-check that
 * follows an applied fix goes out through the conversation reference stored on install.
 */
describe('a plan card follow-up in Teams through the stored reference', () => {
  let lab: TeamsLab;
  let bot: TeamsBot;
  let store: Store;

  beforeEach(async () => {
    lab = await startTeamsLab();
    store = Store.open(':memory:');
    bot = new TeamsBot({
      config: { teams: lab.teams },
      authentication: lab.authentication(),
      handleCommand: async () => ({ summary: 'unused', tone: 'info', blocks: [] }),
      store,
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    const url = `http://127.0.0.1:${(await bot.start()).port}/api/messages`;
    expect((await postActivity(url, teamsInstallActivity(lab.connector.serviceUrl, 'channel'), lab.channelAuthorization())).status).toBe(
      200,
    );
    await waitFor(() => store.conversationRef('teams', LAB_TEAMS.teamId), 3000, 'the reference stored on install');
  });
  afterEach(async () => {
    await bot.stop();
    store.close();
    await lab.stop();
  });

  it("replies in the card's own thread, to the card, not to the install message", async () => {
    const publisher = new TeamsCardPublisher(bot.adapter, lab.teams.appId, store, pino({ level: 'silent' }));
    // The plan card, posted before the restart: a message of its own in the team's channel.
    const installedFrom = (store.conversationRef('teams', LAB_TEAMS.teamId)?.reference as { activityId?: string } | undefined)?.activityId;
    const card = { platform: 'teams' as const, conversationId: LAB_TEAMS.teamId, messageId: '1733130000000' };
    await publisher.followUp(card, { summary: 'Re-check after the fix: exchange-catchall-mailbox pass', tone: 'ok', blocks: [] });
    const reply = lab.connector.calls.find((c) => JSON.stringify(c.activity).includes('Re-check after the fix'));
    expect(reply).toMatchObject({
      kind: 'reply',
      conversationId: `${LAB_TEAMS.teamId};messageid=${card.messageId}`,
      targetId: card.messageId,
      authorized: true,
    });
    expect(reply?.targetId).not.toBe(installedFrom);
  });
});
