import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { type BotFrameworkAuthentication, MsalServiceClientCredentialsFactory } from 'botframework-connector';
import { createHttpSend } from '../../adapters/microsoft/http.js';
import { createMsalNetwork } from '../../adapters/microsoft/msal-network.js';
import type { TeamsConfig } from '../../config/schema.js';
import { MailsetupError } from '../../errors.js';

/**
 * The Bot Framework authentication for the Azure Bot's app registration (the standard
 * `MicrosoftAppId` / `MicrosoftAppPassword` / `MicrosoftAppType` / `MicrosoftAppTenantId`).
 * Incoming requests must then carry a valid Bot Connector token; outgoing calls get one.
 * @throws MailsetupError ConfigInvalid when the app type lacks what it needs.
 */
export function teamsAuthentication(teams: TeamsConfig, endpoints?: BotFrameworkEndpoints): BotFrameworkAuthentication {
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
  if (endpoints) return endpointAuthentication(teams, endpoints);
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: teams.appId,
    MicrosoftAppPassword: teams.appPassword?.reveal(),
    MicrosoftAppType: teams.appType,
    MicrosoftAppTenantId: teams.tenantId,
  });
}

/**
 * Where the Bot Framework's identity lives, when not Microsoft's public cloud (the lab, a private
 * cloud): the authority the bot gets its Bot Connector token from, and the OpenID metadata that
 * signs what the channel sends. Defaults are Microsoft's.
 */
export interface BotFrameworkEndpoints {
  /** `ToChannelFromBotLoginUrl`: `https://login.microsoftonline.com/botframework.com` (multi-tenant) or `…/<tenant id>`. */
  loginUrl: string;
  /** `ToBotFromChannelOpenIdMetadataUrl`: `https://login.botframework.com/v1/.well-known/openidconfiguration`. */
  openIdMetadataUrl: string;
  /** Extra CA (PEM) to trust for the authority, like `services.caFile`. */
  ca?: string;
  timeoutMs?: number;
}

/** The Bot Connector's token scope and the issuer of channel tokens (the same in every public deployment). */
const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com';
const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

/**
 * Bot Framework authentication against configured endpoints. botbuilder's own MSAL client would
 * trust only the system CAs and ask login.microsoftonline.com to discover any other authority, so
 * the bot's client-credentials token comes from an MSAL client of ours: the configured CA, the
 * authority known up front.
 */
function endpointAuthentication(teams: TeamsConfig, endpoints: BotFrameworkEndpoints): BotFrameworkAuthentication {
  const loginUrl = endpoints.loginUrl.replace(/\/+$/, '');
  const send = createHttpSend({
    ca: endpoints.ca,
    timeoutMs: endpoints.timeoutMs ?? 10_000,
    label: 'Bot Framework sign-in',
    source: 'teams',
  });
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: teams.appId,
      clientSecret: teams.appPassword?.reveal(),
      authority: loginUrl,
      knownAuthorities: [new URL(loginUrl).host],
    },
    system: { networkClient: createMsalNetwork(send, {}) },
  });
  return new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: teams.appId,
      MicrosoftAppTenantId: teams.tenantId,
      ToChannelFromBotLoginUrl: loginUrl,
      ToChannelFromBotOAuthScope: BOT_CONNECTOR_SCOPE,
      ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER,
      ToBotFromChannelOpenIdMetadataUrl: endpoints.openIdMetadataUrl,
      ValidateAuthority: true,
    },
    // botframework-connector bundles an older msal-node; it only calls acquireTokenByClientCredential.
    new MsalServiceClientCredentialsFactory(
      teams.appId,
      msal as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1],
    ),
  );
}

/**
 * No app id: the Bot Framework's development mode, where requests without a token are accepted
 * and replies carry none. Only for the lab and the Bot Framework Emulator — never in production.
 */
export function anonymousTeamsAuthentication(): BotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({});
}
