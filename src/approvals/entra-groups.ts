import type { Logger } from 'pino';
import { createGraphAdapter } from '../adapters/graph/live.js';
import type { GraphPort } from '../adapters/graph/port.js';
import { createTokenProvider } from '../adapters/microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../adapters/options.js';
import type { MailsetupConfig, TenantConfig } from '../config/schema.js';
import { toMailsetupError } from '../errors.js';
import type { GroupDirectory } from './groups.js';

/**
 * Entra groups named as approvers or responders (`teams:<group object id>`): their members, users
 * of nested groups too, read through Microsoft Graph as the Teams bot's own app registration in
 * its home tenant (`teams.tenantId`), which needs the application permission GroupMember.Read.All.
 * A `teams:` entry cannot say whether it names a person or a group: an id Graph knows as no group
 * is a person's, with no members (the policy matches the person by id).
 */
export class EntraGroupDirectory implements GroupDirectory {
  readonly #graph: GraphPort;

  constructor(graph: GraphPort) {
    this.#graph = graph;
  }

  async membersOf(group: string): Promise<string[]> {
    try {
      return (await this.#graph.listGroupUserMembers(group, AbortSignal.timeout(30_000))) ?? [];
    } catch (error) {
      throw new Error(toMailsetupError(error, 'Microsoft Graph').userMessage);
    }
  }
}

/**
 * The directory for the config's Teams bot, when it can read groups: a SingleTenant (or any) bot
 * with its tenant id and client secret. Without them `teams:` entries match people only.
 */
export function entraGroupDirectory(config: MailsetupConfig, logger: Logger, ca: string | undefined): EntraGroupDirectory | undefined {
  const options = teamsBotAppOptions(config, logger, ca);
  return options ? new EntraGroupDirectory(createGraphAdapter(options, createTokenProvider(options))) : undefined;
}

/**
 * The Teams bot's app registration in its home tenant, as the token provider and the Graph adapter
 * take an app (only the name, the tenant and the credential are read); undefined without
 * `teams.tenantId` and `teams.appPassword`.
 */
export function teamsBotAppOptions(config: MailsetupConfig, logger: Logger, ca: string | undefined): AdapterFactoryOptions | undefined {
  const teams = config.teams;
  if (!teams?.tenantId || !teams.appPassword) return undefined;
  const tenant = {
    name: 'the Teams bot',
    tenantId: teams.tenantId,
    microsoft: { clientId: teams.appId, clientSecret: teams.appPassword },
  } as TenantConfig;
  return { tenant, services: config.services, timeouts: config.timeouts, logger, ...(ca ? { ca } : {}) };
}

/** Graph application permissions that let an app read a group's members. */
export const GROUP_MEMBER_ROLES = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'] as const;
