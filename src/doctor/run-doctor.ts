import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createDnsAdapter, createResolverDns } from '../adapters/dns/live.js';
import type { DnsPort } from '../adapters/dns/port.js';
import { createExchangeAdapter } from '../adapters/exchange/live.js';
import { createTokenProvider, type MicrosoftResource } from '../adapters/microsoft/tokens.js';
import { GROUP_MEMBER_ROLES, teamsBotAppOptions } from '../approvals/entra-groups.js';
import { peopleLists, teamsEntriesIn } from '../approvals/groups.js';
import type { MailsetupConfig, TenantConfig } from '../config/schema.js';
import { redact } from '../config/secret.js';
import { toMailsetupError } from '../errors.js';
import { MIGRATIONS } from '../store/migrations.js';
import { Store } from '../store/store.js';
import { type Finding, fail, ok, warn } from './finding.js';
import { type Endpoint, endpointOf, probeTcp, probeTls, type Reach } from './network.js';
import { missing, REQUIRED_ROLES, slackScopesFor, tokenRoles } from './roles.js';

/** The Bot Framework token endpoint a Teams bot gets its tokens from (fixed by Microsoft, whatever the tenant). */
const BOT_FRAMEWORK_LOGIN = 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token';

export interface DoctorOptions {
  config: MailsetupConfig;
  logger: Logger;
}

/**
 * What an admin runs right after writing the config: the store, every configured service's
 * reachability and TLS, the app's roles in its tokens, the Exchange role, the Slack token's
 * scopes — each a sentence, and a fix when it is not right. Reads only; changes nothing.
 */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const { config } = options;
  const timeoutMs = config.timeouts.fetchMs;
  const ca = readCa(config.services.caFile);
  const findings: Finding[] = [storeFinding(config.store.path)];
  if (ca.finding) findings.push(ca.finding);
  const services = config.services;
  const several = config.tenants.length > 1;

  const tls = (id: string, title: string, endpoint: Endpoint) =>
    probeTls(endpoint, { ca: ca.pem, timeoutMs }).then((r) => reachFinding(id, title, r));
  const shared: Promise<Finding>[] = [
    tls('tls:authority', 'Microsoft sign-in', endpointOf(services.authorityHost)),
    tls('tls:graph', 'Microsoft Graph', endpointOf(services.graphUrl)),
    tls('tls:exchange', 'Exchange admin API', endpointOf(services.exchangeAdminUrl)),
    tls('tls:imap', 'IMAP', services.imap),
    ...(services.dnsServers.length === 0
      ? [Promise.resolve(ok('dns', 'DNS', 'no DNS servers configured: the system resolver is used.'))]
      : services.dnsServers.map((server) => dnsFinding(server, config.tenants[0]?.domain ?? 'example.com', timeoutMs))),
  ];
  findings.push(...(await Promise.all(shared)));

  for (const tenant of config.tenants) {
    const prefix = several ? `${tenant.name}: ` : '';
    const factoryOptions = { tenant, services, timeouts: config.timeouts, ca: ca.pem, logger: options.logger };
    const erp = endpointOf(tenant.erp.url);
    const perTenant: Promise<Finding | Finding[]>[] = [
      tenant.erp.url.startsWith('https:')
        ? tls(`tls:erp:${tenant.name}`, `${prefix}ERP`, erp)
        : probeTcp(erp, { timeoutMs }).then((r) => plainHttpFinding(`erp:${tenant.name}`, `${prefix}ERP`, r, erp)),
      mxFinding(tenant, config, prefix, createDnsAdapter(factoryOptions), timeoutMs),
    ];
    if (tenant.microsoft) {
      const tokens = createTokenProvider(factoryOptions);
      perTenant.push(roleFinding('graph', tenant, prefix, tokens.getToken.bind(tokens)));
      perTenant.push(roleFinding('exchange', tenant, prefix, tokens.getToken.bind(tokens)));
      perTenant.push(
        createExchangeAdapter(factoryOptions, tokens)
          .getAcceptedDomains()
          .then(
            () => ok(`exchange-role:${tenant.name}`, `${prefix}Exchange role`, 'the app may read Exchange Online configuration.'),
            (error) => errorFinding(`exchange-role:${tenant.name}`, `${prefix}Exchange role`, error),
          ),
      );
    } else {
      findings.push(
        warn(
          `roles:${tenant.name}`,
          `${prefix}Microsoft app`,
          'no Microsoft app is configured, so Graph and Exchange cannot be read.',
          'Add tenants[].microsoft (clientId and a certificate or clientSecret).',
        ),
      );
    }
    findings.push(...(await Promise.all(perTenant)).flat());
  }

  if (config.slack) findings.push(...(await slackFindings(config, timeoutMs, ca.pem)));
  if (config.teams) findings.push(await tls('tls:botframework', 'Bot Framework token endpoint', endpointOf(BOT_FRAMEWORK_LOGIN)));
  const entraFinding = await entraGroupsFinding(config, ca.pem, options.logger);
  if (entraFinding) findings.push(entraFinding);
  return findings.map((f) => ({ ...f, sentence: redact(f.sentence), ...(f.fix ? { fix: redact(f.fix) } : {}) }));
}

/**
 * When approvers or responders name `teams:` ids (people or Entra groups), whether the Teams bot's
 * app may read group members: its Graph token in `teams.tenantId` must carry GroupMember.Read.All.
 */
export async function entraGroupsFinding(config: MailsetupConfig, ca: string | undefined, logger: Logger): Promise<Finding | undefined> {
  const named = peopleLists(config).flatMap(([, entries]) => teamsEntriesIn(entries));
  if (!config.teams || named.length === 0) return undefined;
  const id = 'roles:teams-groups';
  const title = 'Entra groups in approvers and responders';
  const options = teamsBotAppOptions(config, logger, ca);
  if (!options) {
    return warn(
      id,
      title,
      'teams: entries match people only: without teams.tenantId and teams.appPassword the bot cannot read an Entra group.',
      "Set teams.tenantId to the bot app registration's tenant (and teams.appPassword), or name each person by their Entra user id.",
    );
  }
  let token: string;
  try {
    token = await createTokenProvider(options).getToken('graph');
  } catch (error) {
    return errorFinding(id, title, error);
  }
  const granted = (tokenRoles(token) ?? []).filter((r) => (GROUP_MEMBER_ROLES as readonly string[]).includes(r));
  if (granted.length > 0) return ok(id, title, `the Teams bot's app may read group members (${granted.join(', ')}).`);
  return fail(
    id,
    title,
    `the Teams bot's app ${config.teams.appId} may not read group members, so members of an Entra group named there cannot approve or respond.`,
    'Entra admin center ▸ App registrations ▸ the bot ▸ API permissions ▸ Add a permission ▸ Microsoft Graph ▸ Application permissions ▸ GroupMember.Read.All, then Grant admin consent.',
  );
}

/** One DNS server, asked for the first tenant's MX (through the bot's own resolver code). */
async function dnsFinding(server: string, domain: string, timeoutMs: number): Promise<Finding> {
  const id = `dns:${server}`;
  const title = `DNS server ${server}`;
  try {
    const answer = await createResolverDns({ servers: [server], timeoutMs }).mx(domain);
    const seen = answer.found
      ? `MX of ${domain}: ${answer.records.map((r) => r.exchange).join(', ')}`
      : `${domain} has no MX record (${answer.reason})`;
    return ok(id, title, `answers (${seen}).`);
  } catch (error) {
    return errorFinding(id, title, error);
  }
}

function storeFinding(path: string): Finding {
  const title = 'Store';
  let store: Store;
  try {
    store = Store.open(path);
  } catch (error) {
    return errorFinding('store', title, error);
  }
  try {
    const key = 'doctor.write-test';
    store.set(key, { at: new Date().toISOString() });
    store.delete(key);
    const version = store.schemaVersion;
    if (version > MIGRATIONS.length) {
      return fail(
        'store',
        title,
        `${path} has schema version ${version}, newer than this mailsetup (${MIGRATIONS.length}).`,
        'Run the newer mailsetup that wrote it, or point store.path at another file.',
      );
    }
    return ok('store', title, `${path} opens, is writable, schema version ${version}.`);
  } catch (error) {
    return fail(
      'store',
      title,
      `${path} opens but cannot be written (${(error as Error).message}).`,
      'Make the file and its folder writable by the bot (the systemd unit: StateDirectory).',
    );
  } finally {
    store.close();
  }
}

function readCa(caFile: string | undefined): { pem?: string; finding?: Finding } {
  if (!caFile) return {};
  try {
    return { pem: readFileSync(caFile, 'utf8'), finding: ok('ca', 'Extra CA', `${caFile} is trusted in addition to the system's CAs.`) };
  } catch {
    return {
      finding: fail('ca', 'Extra CA', `services.caFile: ${caFile} cannot be read.`, 'Give the path of a PEM CA bundle, or remove the key.'),
    };
  }
}

function reachFinding(id: string, title: string, reach: Reach): Finding {
  return reach.ok ? ok(id, title, `${reach.detail}.`) : fail(id, title, `${reach.reason}.`, reach.fix);
}

function plainHttpFinding(id: string, title: string, reach: Reach, endpoint: Endpoint): Finding {
  if (!reach.ok) return fail(id, title, `${reach.reason}.`, reach.fix);
  const loopback = /^(127\.|::1$|localhost$)/.test(endpoint.host);
  return loopback
    ? ok(id, title, `${reach.detail} (plain HTTP on loopback).`)
    : warn(
        id,
        title,
        `${reach.detail}, but over plain HTTP: the ERP password or API key crosses the network in clear.`,
        'Use the https:// address of the ERP.',
      );
}

async function mxFinding(tenant: TenantConfig, config: MailsetupConfig, prefix: string, dns: DnsPort, timeoutMs: number): Promise<Finding> {
  const id = `mx:${tenant.name}`;
  const title = `${prefix}MX (SMTP)`;
  let host = config.services.mx.host;
  if (!host) {
    try {
      const answer = await dns.mx(tenant.domain);
      host = answer.found ? answer.records[0]?.exchange : undefined;
    } catch (error) {
      return errorFinding(id, title, error);
    }
    if (!host) return fail(id, title, `${tenant.domain} has no MX record.`, 'Publish the MX record Microsoft 365 shows for the domain.');
  }
  const reach = await probeTcp({ host, port: config.services.mx.port }, { timeoutMs, expectBanner: /^220[ -]/ });
  if (!reach.ok && config.services.mx.port === 25) {
    return fail(id, title, `${reach.reason}.`, `${reach.fix} Many networks block outbound port 25; the bot needs it for its SMTP probes.`);
  }
  return reachFinding(id, title, reach);
}

async function roleFinding(
  resource: MicrosoftResource,
  tenant: TenantConfig,
  prefix: string,
  getToken: (resource: MicrosoftResource) => Promise<string>,
): Promise<Finding> {
  const id = `roles:${resource}:${tenant.name}`;
  const api = resource === 'graph' ? 'Microsoft Graph' : 'Office 365 Exchange Online';
  const title = `${prefix}${api} permissions`;
  let token: string;
  try {
    token = await getToken(resource);
  } catch (error) {
    return errorFinding(id, title, error);
  }
  const roles = tokenRoles(token);
  if (roles === undefined)
    return warn(
      id,
      title,
      'the token is not a JWT, so its roles cannot be read.',
      'Check that services.authorityHost is the Microsoft identity platform.',
    );
  const lacking = missing(REQUIRED_ROLES[resource], roles);
  if (lacking.length === 0) return ok(id, title, `the token carries ${REQUIRED_ROLES[resource].join(', ')}.`);
  return fail(
    id,
    title,
    `the app's token lacks ${lacking.join(', ')} (it carries ${roles.length > 0 ? roles.join(', ') : 'no application permission'}).`,
    `Entra admin center ▸ App registrations ▸ the app ▸ API permissions ▸ Add a permission ▸ ${api} ▸ Application permissions ▸ ${lacking.join(', ')}, then Grant admin consent.`,
  );
}

async function slackFindings(config: MailsetupConfig, timeoutMs: number, ca: string | undefined): Promise<Finding[]> {
  const slack = config.slack as NonNullable<MailsetupConfig['slack']>;
  const apiUrl = config.services.slackApiUrl;
  const endpoint = endpointOf(apiUrl);
  const reach = apiUrl.startsWith('https:') ? await probeTls(endpoint, { ca, timeoutMs }) : await probeTcp(endpoint, { timeoutMs });
  const reachability = reachFinding('tls:slack', 'Slack API', reach);
  if (!reach.ok) return [reachability];
  const title = 'Slack bot token';
  try {
    const response = await fetch(new URL('auth.test', apiUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken.reveal()}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { ok?: boolean; error?: string; team?: string };
    if (!body.ok) {
      return [
        reachability,
        fail(
          'slack:auth',
          title,
          `Slack refused the bot token (${body.error ?? `HTTP ${response.status}`}).`,
          'Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into slack.botToken, and reinstall the app if it was revoked.',
        ),
      ];
    }
    const scopes = (response.headers.get('x-oauth-scopes') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const required = slackScopesFor(config);
    const lacking = missing(required.scopes, scopes);
    // usergroups:read is not in the manifest: only a config that names user groups needs it.
    const why = lacking.includes('usergroups:read')
      ? ` ${required.groupsNamedIn.join(' and ')} ${required.groupsNamedIn.length > 1 ? 'name' : 'names'} a Slack user group, whose members the bot reads with usergroups:read; until then no one in it is let in.`
      : '';
    const scopeFinding =
      lacking.length === 0
        ? ok('slack:scopes', title, `valid for ${body.team ?? 'the workspace'}, with the scopes ${required.scopes.join(', ')}.`)
        : fail(
            'slack:scopes',
            title,
            `the token lacks the scope${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')}.${why}`,
            'Add them under OAuth & Permissions ▸ Bot Token Scopes (or apply manifest/slack/manifest.yaml), then reinstall the app to the workspace.',
          );
    return [reachability, scopeFinding];
  } catch (error) {
    return [
      reachability,
      fail(
        'slack:auth',
        title,
        `auth.test did not answer (${(error as Error).message}).`,
        'Check services.slackApiUrl and the network path to Slack.',
      ),
    ];
  }
}

function errorFinding(id: string, title: string, error: unknown): Finding {
  const coded = toMailsetupError(error);
  return fail(id, title, coded.message, coded.hint ?? 'See the sentence above.');
}
