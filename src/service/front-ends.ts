import type { Logger } from 'pino';
import type { FixApprovals } from '../approvals/service.js';
import type { ChatCommandHandler } from '../chat/front-end.js';
import type { MailsetupConfig } from '../config/schema.js';
import type { AlertActions, AlertPosterRegistry } from '../monitor/contract.js';
import type { Store } from '../store/store.js';
import type { BotService } from './bot-service.js';

export interface FrontEnds {
  /** Ports of the front ends that listen on their own (`slack.port`, `teams.port` set). */
  ports: { slack?: number; teams?: number };
  stop(): Promise<void>;
}

/**
 * Starts Slack and/or Teams when configured. The rule for ports: a front end with a port of its
 * own in the config (`slack.port` in HTTP mode, `teams.port`) listens there; otherwise its endpoint
 * (`/slack/events`, `/api/messages`) is mounted on the service's HTTP listener. Each one adds its
 * readiness condition. The chat SDKs are loaded only when configured (start-up time of the CLI).
 */
export async function startChatFrontEnds(options: {
  config: MailsetupConfig;
  handleCommand: ChatCommandHandler;
  store: Store;
  /** The fix flow: plan cards and their buttons. */
  approvals?: FixApprovals;
  /** The alert book: alert buttons, and where each front end registers its poster once started. */
  alerts?: AlertActions & AlertPosterRegistry;
  logger: Logger;
  service: BotService;
}): Promise<FrontEnds> {
  const { config, handleCommand, store, approvals, alerts, logger, service } = options;
  const stops: (() => Promise<void>)[] = [];
  const ports: FrontEnds['ports'] = {};
  const stop = async () => {
    await Promise.allSettled(stops.map((s) => s()));
  };
  try {
    if (config.slack) {
      const { SlackBot, SLACK_EVENTS_PATH } = await import('../chat/slack/slack-bot.js');
      const mounted = config.slack.mode === 'http' && config.slack.port === undefined;
      const slack = new SlackBot({ config, handleCommand, store, approvals, alerts, logger: logger.child({ frontEnd: 'slack' }), mounted });
      service.readiness('slack', () => slack.notReady());
      stops.push(() => slack.stop());
      const started = await slack.start();
      if (mounted && slack.requestListener) service.mount(SLACK_EVENTS_PATH, slack.requestListener);
      if (started.port !== undefined) ports.slack = started.port;
      logger.info(
        { mode: config.slack.mode, ...(mounted ? { path: SLACK_EVENTS_PATH } : { port: started.port }) },
        'Slack front end started',
      );
    }
    if (config.teams) {
      const { TeamsBot, TEAMS_MESSAGES_PATH } = await import('../chat/teams/teams-bot.js');
      const teams = new TeamsBot({ config, handleCommand, store, approvals, alerts, logger: logger.child({ frontEnd: 'teams' }) });
      let serving = false;
      service.readiness('teams', () => (serving ? undefined : 'the Teams endpoint is not listening yet'));
      stops.push(() => teams.stop());
      if (config.teams.port === undefined) {
        service.mount(TEAMS_MESSAGES_PATH, teams.requestListener);
        logger.info({ path: TEAMS_MESSAGES_PATH }, 'Teams front end mounted on the HTTP listener');
        serving = true;
      } else {
        ports.teams = (await teams.start()).port;
        serving = true;
        logger.info({ port: ports.teams }, 'Teams front end started (/api/messages)');
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, stop };
}
