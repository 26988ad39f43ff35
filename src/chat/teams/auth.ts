import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import type { TeamsConfig } from '../../config/schema.js';
import { MailsetupError } from '../../errors.js';

/**
 * The Bot Framework authentication for the Azure Bot's app registration (the standard
 * `MicrosoftAppId` / `MicrosoftAppPassword` / `MicrosoftAppType` / `MicrosoftAppTenantId`).
 * Incoming requests must then carry a valid Bot Connector token; outgoing calls get one.
 * @throws MailsetupError ConfigInvalid when the app type lacks what it needs.
 */
export function teamsAuthentication(teams: TeamsConfig): BotFrameworkAuthentication {
  if (teams.appType === 'SingleTenant' && !teams.tenantId) {
    throw new MailsetupError('ConfigInvalid', 'A SingleTenant Teams bot needs its tenant id.', {
      hint: 'Set MicrosoftAppTenantId (teams.tenantId) to the Entra tenant of the bot registration, or set teams.appType to MultiTenant.',
    });
  }
  if (teams.appType !== 'UserAssignedMSI' && !teams.appPassword) {
    throw new MailsetupError('ConfigInvalid', `A ${teams.appType} Teams bot needs the app registration's client secret.`, {
      hint: 'Set MicrosoftAppPassword (teams.appPassword), e.g. env:MicrosoftAppPassword.',
    });
  }
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: teams.appId,
    MicrosoftAppPassword: teams.appPassword?.reveal(),
    MicrosoftAppType: teams.appType,
    MicrosoftAppTenantId: teams.tenantId,
  });
}

/**
 * No app id: the Bot Framework's development mode, where requests without a token are accepted
 * and replies carry none. Only for the lab and the Bot Framework Emulator — never in production.
 */
export function anonymousTeamsAuthentication(): BotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({});
}
