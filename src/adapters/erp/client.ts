import type { Logger } from 'pino';
import { z } from 'zod';
import type { Secret } from '../../config/secret.js';
import { isMailsetupError, MailsetupError } from '../../errors.js';
import type { ErpHttpOptions } from './http.js';
import {
  bracketed,
  many2one,
  num,
  text,
  toAliasDomain,
  toIncomingServer,
  toLead,
  toMessageRef,
  toOutgoingServer,
  toSalesTeam,
} from './normalise.js';
import type {
  Domain,
  ErpActionOutcome,
  ErpFieldInfo,
  ErpFetchCron,
  ErpPort,
  ErpRecord,
  ErpSession,
  SearchReadOptions,
} from './port.js';
import { createJson2Transport, createJsonRpcTransport, type ErpTransport, expectShape } from './transport.js';
import { detectVersion } from './version.js';

export interface ErpClientOptions {
  url: string;
  database: string;
  login: string;
  password?: Secret;
  apiKey?: Secret;
  /** Per HTTP request, ms. */
  timeoutMs: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** How long a failed version detection or login is remembered (so one run logs in at most once). */
  failureTtlMs?: number;
}

const records = z.array(z.looseObject({ id: z.number().int() }));
const fieldsInfo = z.record(z.string(), z.looseObject({}));

/** Odoo 12–13 report a successful "Test Connection" as a UserError with this text. */
const LEGACY_SMTP_SUCCESS = /Connection Test Succeeded/i;

/**
 * The ERP adapter: detects the version, picks the API (JSON-2 on 19+ with an API key, JSON-RPC
 * otherwise), logs in once, and reads what the checks need. One instance per tenant; sources share it.
 */
export function createErpClient(options: ErpClientOptions): ErpPort {
  const http: ErpHttpOptions = { baseUrl: options.url, timeoutMs: options.timeoutMs, fetch: options.fetch };
  const failureTtlMs = options.failureTtlMs ?? 30_000;
  const log = options.logger;

  const version = memoise(() => detectVersion(http), failureTtlMs);
  let transport: ErpTransport | undefined;

  const session = memoise(async (): Promise<ErpSession> => {
    const v = await version.get();
    const secret = v.major >= 19 && options.apiKey ? options.apiKey : (options.password ?? options.apiKey);
    if (!secret) {
      throw new MailsetupError('AuthFailed', 'The bot has no ERP password or API key configured.', {
        hint: 'Set tenants[].erp.password or tenants[].erp.apiKey.',
        source: 'erp',
      });
    }
    const t = v.major >= 19 && options.apiKey ? createJson2Transport(transportOptions(secret)) : createJsonRpcTransport(transportOptions(secret));
    const uid = await t.authenticate();
    transport = t;
    const [user] = await execute<ErpRecord[]>('res.users', 'read', [uid], { fields: ['login', 'name', 'email'] }, records, undefined, uid);
    log?.debug({ erp: options.url, api: t.api, version: v.serverVersion }, 'ERP login');
    return {
      version: v,
      api: t.api,
      uid,
      login: text(user?.login) ?? options.login,
      userName: text(user?.name),
      userEmail: text(user?.email),
      database: options.database,
    };
  }, failureTtlMs);

  function transportOptions(secret: Secret) {
    return { http, database: options.database, login: options.login, secret };
  }

  async function execute<T>(
    model: string,
    method: string,
    ids: readonly number[] | undefined,
    kwargs: Record<string, unknown>,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
    uid?: number,
  ): Promise<T> {
    const current = uid ?? (await session.get()).uid;
    if (!transport) throw new MailsetupError('Internal', 'ERP transport used before login.');
    try {
      const value = await transport.execute(current, model, method, ids, kwargs, signal);
      return expectShape(schema, value, options.url, `${model}.${method}`);
    } catch (error) {
      // The password or key changed since login: forget the session so the next run logs in again.
      if (isMailsetupError(error) && error.code === 'AuthFailed') session.reset();
      throw error;
    }
  }

  const searchRead = (model: string, domain: Domain, fields: readonly string[], opts: SearchReadOptions & { signal?: AbortSignal } = {}) =>
    execute(
      model,
      'search_read',
      undefined,
      {
        domain,
        fields,
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
        ...(opts.order !== undefined ? { order: opts.order } : {}),
        ...(opts.context ? { context: opts.context } : {}),
      },
      records,
      opts.signal,
    ) as Promise<ErpRecord[]>;

  const fieldsGet = async (model: string, attributes: readonly string[] = ['type', 'string', 'selection', 'relation'], signal?: AbortSignal) =>
    (await execute(model, 'fields_get', undefined, { attributes }, fieldsInfo, signal)) as Record<string, ErpFieldInfo>;

  /** The wanted fields this ERP has (fields differ by version and installed modules). */
  async function existing(model: string, wanted: readonly string[], signal?: AbortSignal) {
    const info = await fieldsGet(model, ['type', 'selection'], signal);
    return { info, fields: wanted.filter((f) => f in info) };
  }

  async function action(model: string, method: string, ids: number[], signal?: AbortSignal): Promise<ErpActionOutcome> {
    try {
      const returned = await execute(model, method, ids, {}, z.unknown(), signal);
      return { ok: true, message: notificationText(returned) ?? 'Done.', returned };
    } catch (error) {
      if (isMailsetupError(error) && error.code === 'RemoteUserError') {
        const message = String(error.details?.erpMessage ?? error.message);
        return { ok: LEGACY_SMTP_SUCCESS.test(message), message };
      }
      throw error;
    }
  }

  const port: ErpPort = {
    version: () => version.get(),
    login: () => session.get(),
    searchRead,
    read: (model, ids, fields, opts = {}) =>
      execute(model, 'read', ids, { fields, ...(opts.context ? { context: opts.context } : {}) }, records, opts.signal) as Promise<ErpRecord[]>,
    fieldsGet,
    call: (model, method, ids, kwargs = {}, signal) => execute(model, method, ids, kwargs, z.unknown(), signal),

    async installedModules(names, signal) {
      const found = await searchRead('ir.module.module', [['name', 'in', [...names]]], ['name', 'state'], { signal });
      return names.map((name) => ({ name, state: text(found.find((r) => r.name === name)?.state) ?? 'absent' }));
    },

    async outgoingServers(signal) {
      const wanted = ['name', 'smtp_host', 'smtp_port', 'smtp_encryption', 'smtp_user', 'smtp_authentication', 'from_filter', 'sequence', 'active'];
      const { fields } = await existing('ir.mail_server', wanted, signal);
      const found = await searchRead('ir.mail_server', [], fields, { order: 'sequence, id', context: { active_test: false }, signal });
      return found.map(toOutgoingServer);
    },

    async incomingServers(signal) {
      const { info } = await existing('fetchmail.server', [], signal);
      // 12–13 call it `type`, 14+ `server_type`; the selection (with `outlook` on 16+) comes from the ERP.
      const typeField = 'server_type' in info ? 'server_type' : 'type';
      const wanted = [
        'name',
        typeField,
        'server',
        'port',
        'is_ssl',
        'user',
        'state',
        'active',
        'priority',
        'date',
        'use_microsoft_outlook_service',
        'error_notice_template_id',
        'error_date',
        'error_message',
      ];
      const fields = wanted.filter((f) => f in info);
      const found = await searchRead('fetchmail.server', [], fields, { order: 'priority, id', context: { active_test: false }, signal });
      const selection = info[typeField]?.selection;
      return {
        servers: found.map((r) => toIncomingServer(r, typeField)),
        typeField,
        serverTypes: Array.isArray(selection) ? selection.map((s) => String(s[0])) : [],
        hasErrorNoticeField: 'error_notice_template_id' in info,
      };
    },

    async systemParams(keys, signal) {
      const found = await searchRead('ir.config_parameter', [['key', 'in', [...keys]]], ['key', 'value'], { signal });
      return Object.fromEntries(keys.map((key) => [key, text(found.find((r) => r.key === key)?.value)]));
    },

    async aliasDomains(signal) {
      if ((await version.get()).major < 17) return null;
      const [domains, companies] = await Promise.all([
        searchRead('mail.alias.domain', [], ['name', 'catchall_alias', 'bounce_alias', 'default_from'], { order: 'sequence, id', signal }),
        searchRead('res.company', [], ['name', 'alias_domain_id'], { signal }),
      ]);
      return {
        domains: domains.map(toAliasDomain),
        companies: companies.map((c) => ({ id: c.id, name: text(c.name) ?? '', aliasDomainId: many2one(c.alias_domain_id)?.id ?? null })),
      };
    },

    async salesTeams(teamName, aliasName, signal) {
      const { fields } = await existing('crm.team', ['name', 'alias_name', 'alias_contact', 'alias_status', 'alias_domain_id'], signal);
      const found = await searchRead('crm.team', ['|', ['name', 'ilike', teamName], ['alias_name', '=', aliasName]], fields, { signal });
      const teams = found.map(toSalesTeam);
      return {
        byName: teams.filter((t) => t.name.toLowerCase() === teamName.toLowerCase()),
        byAlias: teams.filter((t) => t.aliasName === aliasName),
      };
    },

    async fetchCron(signal): Promise<ErpFetchCron | null> {
      // The cron moved with the model: `fetchmail.` up to 15, `mail.` from 16.
      const v = await version.get();
      const module = v.major >= 16 ? 'mail' : 'fetchmail';
      const [data] = await searchRead(
        'ir.model.data',
        [
          ['module', '=', module],
          ['name', '=', 'ir_cron_mail_gateway_action'],
        ],
        ['module', 'name', 'res_id'],
        { limit: 1, signal },
      );
      const id = num(data?.res_id);
      if (id === null) return null;
      const [cron] = await searchRead('ir.cron', [['id', '=', id]], ['active', 'lastcall', 'nextcall', 'interval_number', 'interval_type'], {
        context: { active_test: false },
        signal,
      });
      if (!cron) return null;
      return {
        id,
        xmlid: `${module}.ir_cron_mail_gateway_action`,
        active: cron.active !== false,
        lastCall: text(cron.lastcall),
        nextCall: text(cron.nextcall),
        intervalNumber: num(cron.interval_number),
        intervalType: text(cron.interval_type),
      };
    },

    testOutgoingServer: (id, signal) => action('ir.mail_server', 'test_smtp_connection', [id], signal),
    testIncomingServer: (id, signal) => action('fetchmail.server', 'button_confirm_login', [id], signal),
    fetchMail: (serverId, signal) => action('fetchmail.server', 'fetch_mail', [serverId], signal),

    async triggerFetchCron(signal) {
      const cron = await port.fetchCron(signal);
      if (!cron) {
        throw new MailsetupError('NotFound', 'The ERP has no mail fetch job (ir_cron_mail_gateway_action).', {
          hint: 'Settings ▸ Technical ▸ Scheduled Actions: look for "Mail: Fetchmail Service"; reinstall the mail module if it is gone.',
          source: 'erp',
        });
      }
      return action('ir.cron', 'method_direct_trigger', [cron.id], signal);
    },

    async findMessageByMessageId(messageId, signal) {
      const [found] = await searchRead('mail.message', [['message_id', '=', bracketed(messageId)]], ['message_id', 'model', 'res_id', 'date', 'subject'], {
        limit: 1,
        signal,
      });
      return found ? toMessageRef(found) : undefined;
    },

    async readLead(id, signal) {
      const [found] = await searchRead('crm.lead', [['id', '=', id]], ['name', 'email_from', 'team_id', 'type', 'create_date'], {
        context: { active_test: false },
        signal,
      });
      return found ? toLead(found) : undefined;
    },
  };
  return port;
}

/** The text of a `display_notification` client action (14+ "Connection Test Successful!"). */
function notificationText(value: unknown): string | undefined {
  const params = (value as { params?: { message?: unknown; title?: unknown } } | null)?.params;
  const message = params?.message ?? params?.title;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Shares one in-flight or successful result; a failure is remembered for `failureTtlMs`, so the
 * sources of one run see the same answer instead of each trying again.
 */
function memoise<T>(fn: () => Promise<T>, failureTtlMs: number) {
  let pending: Promise<T> | undefined;
  let failedAt = 0;
  return {
    get(): Promise<T> {
      if (pending && (failedAt === 0 || Date.now() - failedAt < failureTtlMs)) return pending;
      failedAt = 0;
      const attempt = fn();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) failedAt = Date.now();
      });
      return attempt;
    },
    reset(): void {
      pending = undefined;
      failedAt = 0;
    },
  };
}
