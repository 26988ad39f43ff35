import type { BotFrameworkAuthentication } from 'botframework-connector';
import { type FakeConnector, startFakeConnector } from '../../lab/chat/connector.js';
import { startMicrosoftLab } from '../../lab/microsoft/index.js';
import type { LabRawConfig } from '../../lab/service.js';
import { healthyState, type LabState } from '../../lab/state.js';
import { labTls } from '../../lab/tls.js';
import { teamsAuthentication } from '../../src/chat/teams/auth.js';
import type { TeamsConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';

/**
 * What a Teams bot talks to, as in production: the lab's token endpoint (the bot's app id and
 * password get it a Bot Framework token), and the fake Bot Connector, which refuses calls without
 * such a token and signs the activities it sends to the bot.
 */
export interface TeamsLab {
  state: LabState;
  connector: FakeConnector;
  /** The bot's `teams` config: the lab's bot app registration. */
  teams: TeamsConfig;
  /** Bot Framework authentication against the lab (token authority, channel OpenID metadata, CA). */
  authentication(): BotFrameworkAuthentication;
  /** The `Authorization` header the channel sends with an activity. */
  channelAuthorization(serviceUrl?: string): string;
  stop(): Promise<void>;
}

export async function startTeamsLab(): Promise<TeamsLab> {
  const state = healthyState();
  const config: LabRawConfig = { tenants: [], services: {} };
  const microsoft = await startMicrosoftLab(state, config);
  const connector = await startFakeConnector(state, { tokens: state });
  const teams: TeamsConfig = {
    appId: state.microsoft.botApp.appId,
    appPassword: new Secret(state.microsoft.botApp.password, 'inline'),
    appType: 'MultiTenant',
    port: 0,
  };
  return {
    state,
    connector,
    teams,
    authentication: () =>
      teamsAuthentication(teams, {
        loginUrl: `${config.services.authorityHost as string}/botframework.com`,
        openIdMetadataUrl: connector.openIdMetadataUrl,
        ca: labTls().caPem,
      }),
    channelAuthorization: (serviceUrl) => connector.channelAuthorization(teams.appId, serviceUrl),
    stop: async () => {
      await Promise.allSettled([connector.stop(), microsoft.stop()]);
    },
  };
}
