import type { Logger } from 'pino';
import type { MailsetupConfig } from '../config/schema.js';
import type { AlertPosterRegistry } from '../monitor/contract.js';
import type { Store } from '../store/store.js';

/**
 * Alert posters for a process that runs no chat front end (`watch --once` from cron): Slack with
 * the bot token over the Web API, Teams proactively through the conversation references the bot
 * stored on install. The chat SDKs load only for the platforms configured.
 */
export async function attachStandalonePosters(
  registry: AlertPosterRegistry,
  config: MailsetupConfig,
  store: Store,
  logger: Logger,
): Promise<void> {
  if (config.slack) {
    const [{ SlackAlertPoster, alertWebClient }, { boltLogger }] = await Promise.all([
      import('./slack/alert-poster.js'),
      import('./slack/bolt-logger.js'),
    ]);
    const client = alertWebClient(config.slack.botToken.reveal(), {
      slackApiUrl: config.services.slackApiUrl,
      logger: boltLogger(logger),
    });
    registry.setPoster('slack', new SlackAlertPoster(client));
  }
  if (config.teams) {
    const [{ CloudAdapter }, { teamsAuthentication }, { TeamsAlertPoster }] = await Promise.all([
      import('botbuilder'),
      import('./teams/auth.js'),
      import('./teams/alert-poster.js'),
    ]);
    const adapter = new CloudAdapter(teamsAuthentication(config.teams));
    registry.setPoster('teams', new TeamsAlertPoster(adapter, config.teams.appId, store));
  }
}
