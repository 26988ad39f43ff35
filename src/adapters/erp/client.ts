import type { Logger } from 'pino';
import { z } from 'zod';
import type { Secret } from '../../config/secret.js';
import { isMailsetupError, MailsetupError } from '../../errors.js';
import type { ErpHttpOptions } from './http.js';
import { text } from './normalise.js';
import type { Domain, ErpCore, ErpFieldInfo, ErpPort, ErpRecord, ErpSession, SearchReadOptions } from './port.js';
import { erpReads } from './reads.js';
import { createJson2Transport, createJsonRpcTransport, type ErpTransport, expectShape } from './transport.js';
import { apiFor, detectVersion } from './version.js';

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

/**
 * The ERP's API: detects the version, picks the protocol (JSON-2 on 19+ with an API key, JSON-RPC
 * otherwise), logs in once per instance, and makes validated calls. `erpReads` builds on it.
 */
export function createErpCore(options: ErpClientOptions): ErpCore {
  const http: ErpHttpOptions = { baseUrl: options.url, timeoutMs: options.timeoutMs, fetch: options.fetch };
  const failureTtlMs = options.failureTtlMs ?? 30_000;
  const log = options.logger;

  const version = memoise(() => detectVersion(http), failureTtlMs);
  let transport: ErpTransport | undefined;

  const session = memoise(async (): Promise<ErpSession> => {
    const v = await version.get();
    const api = apiFor(v, options.apiKey !== undefined);
    const secret = api === 'json-2' ? options.apiKey : (options.password ?? options.apiKey);
    if (!secret) {
      throw new MailsetupError('AuthFailed', 'The bot has no ERP password or API key configured.', {
        hint: 'Set tenants[].erp.password or tenants[].erp.apiKey.',
        source: 'erp',
      });
    }
    const t = api === 'json-2' ? createJson2Transport(transportOptions(secret)) : createJsonRpcTransport(transportOptions(secret));
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

  const fieldsGet = async (
    model: string,
    attributes: readonly string[] = ['type', 'string', 'selection', 'relation'],
    signal?: AbortSignal,
  ) => (await execute(model, 'fields_get', undefined, { attributes }, fieldsInfo, signal)) as Record<string, ErpFieldInfo>;

  return {
    version: () => version.get(),
    login: () => session.get(),
    searchRead,
    read: (model, ids, fields, opts = {}) =>
      execute(model, 'read', ids, { fields, ...(opts.context ? { context: opts.context } : {}) }, records, opts.signal) as Promise<
        ErpRecord[]
      >,
    fieldsGet,
    call: (model, method, ids, kwargs = {}, signal) => execute(model, method, ids, kwargs, z.unknown(), signal),
    write: (model, ids, vals, signal) => execute(model, 'write', ids, { vals }, z.boolean(), signal),
    // 12–16 answer one id for one vals dict; 17+ a list of ids.
    create: async (model, vals, signal) => {
      const created = await execute(
        model,
        'create',
        undefined,
        { vals_list: [vals] },
        z.union([z.number().int(), z.array(z.number().int())]),
        signal,
      );
      const id = Array.isArray(created) ? created[0] : created;
      if (id === undefined) throw new MailsetupError('GarbledResponse', `The ERP created no ${model} record.`, { source: 'erp' });
      return id;
    },
  };
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

/** The whole ERP port of one tenant: the API core plus the reads and buttons built on it. */
export function createErpClient(options: ErpClientOptions): ErpPort {
  const core = createErpCore(options);
  return { ...core, ...erpReads(core) };
}
