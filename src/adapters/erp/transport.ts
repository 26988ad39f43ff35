import { z } from 'zod';
import { redact, type Secret } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';
import { type ErpHttpOptions, erpHttp, type HttpAnswer } from './http.js';
import { classifyOdooError } from './odoo-errors.js';
import type { ErpApi } from './port.js';

/**
 * The two wire protocols behind one shape: every call is `model.method(ids?, **kwargs)`, which JSON-RPC
 * sends as `execute_kw(db, uid, secret, model, method, [ids], kwargs)` and JSON-2 as a POST of the named
 * arguments plus `ids`.
 */
export interface ErpTransport {
  readonly api: ErpApi;
  /** The bot user's uid; throws AuthFailed when the ERP refuses the credentials. */
  authenticate(signal?: AbortSignal): Promise<number>;
  execute(
    uid: number,
    model: string,
    method: string,
    ids: readonly number[] | undefined,
    kwargs: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<unknown>;
}

export interface TransportOptions {
  http: ErpHttpOptions;
  database: string;
  login: string;
  /** The password or API key (JSON-RPC), the API key (JSON-2). Revealed only into the request. */
  secret: Secret;
}

const odooErrorData = z.looseObject({ name: z.string(), message: z.string() });

const jsonRpcEnvelope = z.looseObject({
  id: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z
    .looseObject({
      code: z.number().optional(),
      message: z.string().optional(),
      data: odooErrorData.optional(),
    })
    .optional(),
});

export function createJsonRpcTransport(options: TransportOptions): ErpTransport {
  const { database, login } = options;
  let nextRequestId = 1;
  const rpc = async (service: string, method: string, args: unknown[], call: string, signal?: AbortSignal): Promise<unknown> => {
    const path = '/jsonrpc';
    const answer = await erpHttp(options.http, {
      method: 'POST',
      path,
      body: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextRequestId++ },
      signal,
    });
    if (answer.status === 404) {
      throw new MailsetupError(
        'AdapterUnavailable',
        `The ERP at ${options.http.baseUrl} has no JSON-RPC endpoint (${path} answered HTTP 404).`,
        {
          hint: 'Check that tenants[].erp.url is the ERP itself (not a page below it), and that no proxy blocks /jsonrpc.',
          source: 'erp',
          details: { httpStatus: 404, path },
        },
      );
    }
    const envelope = parseJson(answer, jsonRpcEnvelope, options.http.baseUrl, path);
    if (envelope.error) {
      const data = envelope.error.data;
      const name = data?.name ?? (envelope.error.code === 100 ? 'odoo.http.SessionExpiredException' : 'unknown');
      throw classifyOdooError({ name, message: data?.message ?? envelope.error.message ?? '' }, { call, login, database });
    }
    if (!('result' in envelope) || answer.status !== 200) throw garbled(options.http.baseUrl, path, answer.text, answer.status);
    return envelope.result;
  };

  return {
    api: 'json-rpc',
    async authenticate(signal) {
      const uid = await rpc('common', 'authenticate', [database, login, options.secret.reveal(), {}], 'common.authenticate', signal);
      if (uid === false) {
        throw classifyOdooError(
          { name: 'odoo.exceptions.AccessDenied', message: 'authenticate returned false' },
          { call: 'common.authenticate', login, database },
        );
      }
      return expectShape(z.number().int().positive(), uid, options.http.baseUrl, 'common.authenticate');
    },
    execute(uid, model, method, ids, kwargs, signal) {
      const args = [database, uid, options.secret.reveal(), model, method, ids === undefined ? [] : [ids], kwargs];
      return rpc('object', 'execute_kw', args, `${model}.${method}`, signal);
    },
  };
}

export function createJson2Transport(options: TransportOptions): ErpTransport {
  const { database, login } = options;
  const post = async (model: string, method: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> => {
    const path = `/json/2/${model}/${method}`;
    const answer = await erpHttp(options.http, {
      method: 'POST',
      path,
      body,
      headers: { Authorization: `bearer ${options.secret.reveal()}`, 'X-Odoo-Database': database },
      signal,
    });
    const site = { call: `${model}.${method}`, login, database };
    if (answer.status === 200) return parseJson(answer, z.unknown(), options.http.baseUrl, path);
    const report = tryJson(answer.text, odooErrorData);
    if (report) throw classifyOdooError({ name: report.name, message: report.message, httpStatus: answer.status }, site);
    if (answer.status === 404) {
      throw new MailsetupError('AdapterUnavailable', `The ERP at ${options.http.baseUrl} has no JSON-2 API (${path} answered HTTP 404).`, {
        hint: 'JSON-2 exists from version 19; check tenants[].erp.url, or remove the API key to use JSON-RPC.',
        source: 'erp',
        details: { httpStatus: 404, path },
      });
    }
    throw garbled(options.http.baseUrl, path, answer.text, answer.status);
  };

  return {
    api: 'json-2',
    async authenticate(signal) {
      const context = await post('res.users', 'context_get', {}, signal);
      return expectShape(z.looseObject({ uid: z.number().int().positive() }), context, options.http.baseUrl, 'res.users.context_get').uid;
    },
    execute(_uid, model, method, ids, kwargs, signal) {
      return post(model, method, ids === undefined ? kwargs : { ids, ...kwargs }, signal);
    },
  };
}

export function parseJson<T>(answer: HttpAnswer, schema: z.ZodType<T>, baseUrl: string, path: string): T {
  let value: unknown;
  try {
    value = JSON.parse(answer.text);
  } catch {
    throw garbled(baseUrl, path, answer.text, answer.status);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw garbled(baseUrl, path, answer.text, answer.status);
  return parsed.data;
}

function tryJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Validates a call's result; a wrong shape is a garbled answer, never a crash. */
export function expectShape<T>(schema: z.ZodType<T>, value: unknown, baseUrl: string, call: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new MailsetupError('GarbledResponse', `The ERP at ${baseUrl} answered ${call} with data of an unexpected shape.`, {
    hint: 'A proxy may be rewriting answers, or this ERP version differs; check tenants[].erp.url and the ERP version.',
    source: 'erp',
    details: { call, problem: parsed.error.issues[0]?.message ?? 'unexpected shape' },
  });
}

function garbled(baseUrl: string, path: string, text: string, status: number): MailsetupError {
  const sample = redact(text.replace(/\s+/g, ' ').trim().slice(0, 60));
  return new MailsetupError(
    'GarbledResponse',
    `The ERP at ${baseUrl} answered ${path} (HTTP ${status}) with something that is not the ERP's JSON API.`,
    {
      hint: 'Check that tenants[].erp.url points at the ERP itself and not at a login page or proxy; try again if it was a one-off.',
      source: 'erp',
      details: { path, httpStatus: status, bodyStart: sample },
    },
  );
}
