import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { FakeConnector } from '../../lab/chat/connector.js';
import { chatLab, LAB_TEAMS } from '../../lab/chat/index.js';
import type { FakeSlack } from '../../lab/chat/slack-api.js';
import { type Lab, startLab } from '../../lab/index.js';
import { FixApprovals } from '../../src/approvals/service.js';
import { createApprovals } from '../../src/approvals/wiring.js';
import type { ChatCommandHandler } from '../../src/chat/front-end.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { teamsAuthentication } from '../../src/chat/teams/auth.js';
import { TeamsBot } from '../../src/chat/teams/teams-bot.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { parseConfig } from '../../src/config/load.js';
import { Secret } from '../../src/config/secret.js';
import { createCore } from '../../src/core.js';
import { Store } from '../../src/store/store.js';

export const BOB_AAD = '9d2c41e0-5b7a-4c3e-8f10-2a6b7c8d9e01';
export const BOB_TEAMS = { id: '29:1lab-bob-aad-user', name: 'Bob Approver', aadObjectId: BOB_AAD };

export interface ChatBot {
  lab: Lab;
  slack: FakeSlack;
  connector: FakeConnector;
  store: Store;
  approvals: FixApprovals;
  /** `/slack/events` (HTTP mode only). */
  slackUrl: string;
  teamsUrl: string;
  /** A Bot Framework channel token for the activities tests send to /api/messages. */
  teamsAuth(): string;
  stop(): Promise<void>;
}

export interface ChatBotOptions {
  approvals?: Record<string, unknown>;
  slackMode?: 'http' | 'socket';
  /** The bot's clock (store and fix flow): tests move it to expire plans. */
  now?: () => Date;
  sweepIntervalMs?: number;
  /** Runs once the lab is up, before the bot starts (fake Slack user groups, scopes). */
  beforeStart?: (lab: Lab) => void;
  /** A store file (default: in memory). */
  storePath?: string;
}

/**
 * The bot as `start` wires it, against the lab: Slack (signed HTTP, or Socket Mode), Teams through
 * /api/messages, one store with the fix flow. Two tenants (the second a copy of the lab's), each
 * bound to a channel.
 */
export async function startChatBot(scenario: string, options: ChatBotOptions = {}): Promise<ChatBot> {
  const lab = await startLab({ scenario });
  const chat = chatLab(lab.state);
  if (!chat) throw new Error('the chat lab did not start');
  options.beforeStart?.(lab);
  const mode = options.slackMode ?? 'http';
  const [contoso] = lab.config.tenants as Record<string, unknown>[];
  const raw = {
    ...lab.config,
    tenants: [contoso, { ...contoso, name: 'fabrikam', domain: 'fabrikam.test' }],
    slack: chat.slackConfig(mode, 0),
    // Ada (who asks) is an approver too: her own plan is still not hers to approve.
    approvals: {
      approvers: ['slack:U0LABADA01', 'slack:U0LABBOB01', 'slack:U0LABCAR01', `teams:${LAB_TEAMS.user.aadObjectId}`, `teams:${BOB_AAD}`],
      ...options.approvals,
    },
    access: {
      channels: [
        { id: 'C0LABOPS01', tenants: ['contoso'] },
        { id: 'C0LABFAB01', tenants: ['fabrikam'] },
        { id: LAB_TEAMS.teamId, tenants: ['contoso'] },
      ],
      users: [],
    },
  };
  const config = parseConfig(raw, { env: {} });
  const logger = pino({ level: 'silent' });
  const store = Store.open(options.storePath ?? ':memory:', { now: options.now });
  const core = createCore({ config, logger, store });
  const { approvers, required, expiresMinutes, requesters } = config.approvals;
  // The wiring `start` uses; with a test clock or sweep interval, what it builds, with those.
  const flow =
    options.now || options.sweepIntervalMs
      ? new FixApprovals({
          core,
          plans: store.plans,
          audit: store.audit,
          policy: { approvers, required, expiresMinutes, ...(requesters ? { requesters } : {}) },
          logger,
          now: options.now,
          sweepIntervalMs: options.sweepIntervalMs,
        })
      : createApprovals(core, store, logger);
  core.approvals = flow;
  core.audit = store.audit;
  const dispatch: ChatCommandHandler = (text, ctx) => handleCommand(text, { ...ctx, core });
  const slackBot = new SlackBot({
    config,
    handleCommand: dispatch,
    store,
    approvals: flow,
    logger,
    host: '127.0.0.1',
    socketBackoff: { minTimeoutMs: 50, maxTimeoutMs: 200 },
  });
  const slackPort = (await slackBot.start()).port;
  const slackUrl = mode === 'http' ? `http://127.0.0.1:${slackPort}/slack/events` : '';
  const teamsConfig = {
    appId: lab.state.microsoft.botApp.appId,
    appPassword: new Secret(lab.state.microsoft.botApp.password, 'inline'),
    appType: 'MultiTenant' as const,
    port: 0,
  };
  const teams = new TeamsBot({
    config: { teams: teamsConfig },
    authentication: teamsAuthentication(teamsConfig, {
      loginUrl: `${config.services.authorityHost}/botframework.com`,
      openIdMetadataUrl: chat.connector.openIdMetadataUrl,
      ca: readFileSync(config.services.caFile as string, 'utf8'),
    }),
    handleCommand: dispatch,
    store,
    approvals: flow,
    logger,
    port: 0,
    host: '127.0.0.1',
  });
  const teamsUrl = `http://127.0.0.1:${(await teams.start()).port}/api/messages`;
  await flow.start();
  return {
    lab,
    slack: chat.slack,
    connector: chat.connector,
    store,
    approvals: flow,
    slackUrl,
    teamsUrl,
    teamsAuth: () => chat.connector.channelAuthorization(lab.state.microsoft.botApp.appId),
    async stop() {
      await Promise.allSettled([slackBot.stop(), teams.stop()]);
      await flow.stop();
      store.close();
      await lab.stop();
    },
  };
}
