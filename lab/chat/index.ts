import type { LabServiceStarter } from '../service.js';
import type { LabState } from '../state.js';
import { labTenantsOf } from '../tenants.js';
import { type FakeConnector, startFakeConnector } from './connector.js';
import { type FakeSlack, startFakeSlack } from './slack-api.js';

export interface ChatLab {
  slack: FakeSlack;
  connector: FakeConnector;
  /**
   * A `slack` config section for the fake workspace (inline fake tokens and signing secret), to add
   * to the lab's config when a test or `mailsetup lab` wants the Slack front end running.
   */
  slackConfig(mode?: 'socket' | 'http', port?: number): Record<string, unknown>;
}

/** The running chat lab of a lab state (its fake URLs and credentials live here, not in the config). */
const running = new WeakMap<LabState, ChatLab>();

export function chatLab(state: LabState): ChatLab | undefined {
  return running.get(state);
}

/**
 * Starts the fake Slack Web API (with Socket Mode and response URLs) and the fake Bot Connector,
 * and points `services.slackApiUrl` at the fake. It adds no `slack`/`teams` config sections: the
 * lab's default config starts the console alone. Tests and `mailsetup lab` take the fake
 * credentials from `chatLab(state)` and the connector's `serviceUrl` for Teams activities.
 */
export const startChatLab: LabServiceStarter = async (lab, config) => {
  // One chat workspace for the lab: the bot's, whatever the tenant count.
  const state = labTenantsOf(lab).first;
  const slack = await startFakeSlack(state);
  let connector: FakeConnector;
  try {
    connector = await startFakeConnector(state, { tokens: state });
  } catch (error) {
    await slack.stop();
    throw error;
  }
  config.services.slackApiUrl = slack.apiUrl;
  running.set(state, { slack, connector, slackConfig: (mode, port) => slackConfigFor(slack, mode, port) });
  return {
    name: 'chat',
    stop: async () => {
      running.delete(state);
      await Promise.allSettled([slack.stop(), connector.stop()]);
    },
  };
};

export function slackConfigFor(slack: FakeSlack, mode: 'socket' | 'http' = 'socket', port = 0): Record<string, unknown> {
  return {
    botToken: slack.identity.botToken,
    signingSecret: slack.identity.signingSecret,
    appToken: slack.identity.appToken,
    mode,
    port,
  };
}

export * from './clients.js';
export { type FakeConnector, startFakeConnector } from './connector.js';
export { type FakeSlack, startFakeSlack } from './slack-api.js';
