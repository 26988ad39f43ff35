import type { LabState } from '../state.js';
import { fetchMail } from './gateway.js';
import { buttonConfirmLogin, testSmtpConnection } from './mail.js';
import { missingMethod, OdooError, userError, valueError } from './odoo-error.js';
import { browse, create, type Env, fieldsGet, modelFor, readRecords, search, toIds, unlink, write } from './orm.js';
import { type CronRecord, type FetchmailServerRecord, type MailServerRecord, odooDate } from './state.js';

/**
 * `model.method(ids?, **kwargs)` for the lab ERP, whichever protocol carried it. JSON-RPC may pass
 * arguments positionally; `params` names them in Odoo's order.
 */

export interface Call {
  lab: LabState;
  env: Env;
  model: string;
  method: string;
  /** Record ids (record methods); undefined for `@api.model` methods. */
  ids: number[] | undefined;
  kwargs: Record<string, unknown>;
  runtime: ErpRuntime;
}

/** What the running lab ERP keeps besides its records. */
export interface ErpRuntime {
  cronBusy: boolean;
}

interface MethodDef {
  /** `model` methods take no ids (`@api.model`); `record` methods need them. */
  kind: 'model' | 'record';
  /** Positional parameter names after the ids, in Odoo's order. */
  params: string[];
  /** Restricted to one model; undefined for the generic ORM methods. */
  model?: string;
  run(call: Call): unknown;
}

const METHODS: Record<string, MethodDef[]> = {
  search_read: [
    {
      kind: 'model',
      params: ['domain', 'fields', 'offset', 'limit', 'order'],
      run: ({ env, model, kwargs }) => {
        const spec = modelFor(env, model);
        return readRecords(env, spec, search(env, spec, kwargs.domain ?? [], kwargs), kwargs.fields);
      },
    },
  ],
  search: [
    {
      kind: 'model',
      params: ['domain', 'offset', 'limit', 'order'],
      run: ({ env, model, kwargs }) => search(env, modelFor(env, model), kwargs.domain ?? [], kwargs).map((r) => r.id),
    },
  ],
  search_count: [
    { kind: 'model', params: ['domain'], run: ({ env, model, kwargs }) => search(env, modelFor(env, model), kwargs.domain ?? []).length },
  ],
  read: [
    {
      kind: 'record',
      params: ['fields', 'load'],
      run: ({ env, model, ids, kwargs }) => {
        const spec = modelFor(env, model);
        return readRecords(env, spec, browse(env, spec, ids), kwargs.fields);
      },
    },
  ],
  fields_get: [
    {
      kind: 'model',
      params: ['allfields', 'attributes'],
      run: ({ env, model, kwargs }) => fieldsGet(env, modelFor(env, model), kwargs.allfields, kwargs.attributes),
    },
  ],
  write: [
    {
      kind: 'record',
      params: ['vals'],
      run: ({ env, model, ids, kwargs }) => {
        const spec = modelFor(env, model, 'write');
        return write(env, spec, browse(env, spec, ids), kwargs.vals);
      },
    },
  ],
  unlink: [
    {
      kind: 'record',
      params: [],
      run: ({ env, model, ids }) => {
        const spec = modelFor(env, model, 'delete');
        return unlink(env, spec, browse(env, spec, ids));
      },
    },
  ],
  create: [
    {
      kind: 'model',
      params: ['vals_list'],
      run: ({ env, model, kwargs }) => create(env, modelFor(env, model, 'create'), kwargs.vals_list ?? kwargs.vals),
    },
  ],
  set_param: [
    {
      kind: 'model',
      params: ['key', 'value'],
      model: 'ir.config_parameter',
      run: ({ env, kwargs }) => setParam(env, kwargs.key, kwargs.value),
    },
  ],
  context_get: [
    {
      kind: 'model',
      params: [],
      model: 'res.users',
      run: ({ env }) => ({ lang: 'en_US', tz: 'Europe/Brussels', uid: env.user.id }),
    },
  ],
  test_smtp_connection: [
    {
      kind: 'record',
      params: [],
      model: 'ir.mail_server',
      run: ({ lab, env, ids }) => {
        const servers = browse(env, modelFor(env, 'ir.mail_server'), ids) as MailServerRecord[];
        return testSmtpConnection(lab, servers, env.user);
      },
    },
  ],
  button_confirm_login: [
    {
      kind: 'record',
      params: [],
      model: 'fetchmail.server',
      run: ({ lab, env, ids }) =>
        buttonConfirmLogin(lab, browse(env, modelFor(env, 'fetchmail.server', 'write'), ids) as FetchmailServerRecord[]),
    },
  ],
  set_draft: [
    {
      kind: 'record',
      params: [],
      model: 'fetchmail.server',
      run: ({ env, ids }) => {
        for (const s of browse(env, modelFor(env, 'fetchmail.server', 'write'), ids) as FetchmailServerRecord[]) s.state = 'draft';
        return true;
      },
    },
  ],
  fetch_mail: [
    {
      kind: 'record',
      params: [],
      model: 'fetchmail.server',
      run: ({ lab, env, ids }) =>
        fetchMail(lab, browse(env, modelFor(env, 'fetchmail.server', 'write'), ids) as FetchmailServerRecord[], 'manual'),
    },
  ],
  method_direct_trigger: [
    {
      kind: 'record',
      params: [],
      model: 'ir.cron',
      run: async ({ lab, env, ids, runtime }) => {
        for (const cron of browse(env, modelFor(env, 'ir.cron', 'write'), ids) as CronRecord[]) await runCron(lab, cron, runtime);
        return true;
      },
    },
  ],
};

/** `ir.config_parameter.set_param(key, value)`: returns the old value (False when unset); a false value deletes the key. */
function setParam(env: Env, key: unknown, value: unknown): unknown {
  const spec = modelFor(env, 'ir.config_parameter', 'write');
  if (typeof key !== 'string' || key === '') throw valueError(`Invalid key ${JSON.stringify(key)}`);
  const params = env.erp.params;
  const current = params.find((p) => p.key === key);
  const old = current?.value ?? false;
  if (value === false || value === null || value === undefined) {
    if (current) params.splice(params.indexOf(current), 1);
  } else if (current) current.value = String(value);
  else create(env, spec, { key, value: String(value) });
  return old;
}

export async function dispatch(call: Call): Promise<unknown> {
  if (call.method.startsWith('_')) {
    throw new OdooError('odoo.exceptions.AccessError', `Private methods (such as ${call.method}) cannot be called remotely.`, 403);
  }
  const def = METHODS[call.method]?.find((d) => d.model === undefined || d.model === call.model);
  if (!def) {
    modelFor(call.env, call.model);
    throw missingMethod(call.model, call.method);
  }
  if (def.kind === 'record' && call.ids === undefined)
    throw valueError(`${call.model}.${call.method}() missing 1 required positional argument: 'ids'`);
  if (def.kind === 'model' && call.ids !== undefined && call.ids.length > 0) {
    throw new OdooError('builtins.TypeError', `${call.model}.${call.method}() got an unexpected argument 'ids'`, 422);
  }
  const unexpected = unexpectedKeyword(def, call);
  if (unexpected) throw unexpectedKeywordError(call, unexpected.method, unexpected.name);
  return def.run(call);
}

/**
 * A keyword the Python method does not take. `search_read` hands unknown keywords on to `read`
 * (`**read_kwargs`, 14+), which refuses them; `search` lost `count` in 17.
 */
function unexpectedKeyword(def: MethodDef, call: Call): { method: string; name: string } | undefined {
  const version = call.lab.erp.version;
  const accepted = new Set(def.params);
  if (call.method === 'search' && version < 17) accepted.add('count');
  for (const name of Object.keys(call.kwargs)) {
    if (accepted.has(name)) continue;
    if (call.method === 'search_read' && version >= 14) {
      if (READ_PARAMS.includes(name)) continue;
      return { method: 'read', name };
    }
    return { method: call.method, name };
  }
  return undefined;
}

const READ_PARAMS = ['fields', 'load'];

/** The classes that define the model-specific methods (generic ones live on `BaseModel`). */
const PYTHON_CLASSES: Record<string, string> = {
  'ir.mail_server': 'IrMailServer',
  'fetchmail.server': 'FetchmailServer',
  'ir.cron': 'IrCron',
  'res.users': 'Users',
};

/**
 * Python's own TypeError, as `call_kw` raises it. Python 3.10+ (Odoo 16+ as shipped) names the
 * method by its qualified name; JSON-2 binds the signature first (`inspect.Signature.bind`), whose
 * message names no function, and answers 422.
 */
function unexpectedKeywordError(call: Call, method: string, name: string): OdooError {
  const owner = METHODS[method]?.find((d) => d.model === call.model) ? (PYTHON_CLASSES[call.model] ?? 'BaseModel') : 'BaseModel';
  const qualified = call.lab.erp.version >= 16 ? `${owner}.${method}` : method;
  const message = `${qualified}() got an unexpected keyword argument '${name}'`;
  // Passed on by search_read, it fails inside the call, after JSON-2 bound the signature: a 500.
  if (method !== call.method) return new OdooError('builtins.TypeError', message, 500);
  return new OdooError('builtins.TypeError', message, 422, {
    name: 'werkzeug.exceptions.UnprocessableEntity',
    message: `got an unexpected keyword argument '${name}'`,
  });
}

/** JSON-RPC `execute_kw(…, args, kwargs)`: the ids (record methods) then positional parameters. */
export function fromPositional(method: string, model: string, args: unknown[], kwargs: Record<string, unknown>) {
  const def = METHODS[method]?.find((d) => d.model === undefined || d.model === model);
  // An unknown method is dispatched as is, so that it fails as "does not exist" rather than on its arguments.
  const isRecord = def ? def.kind === 'record' : Array.isArray(args[0]) && args[0].every(Number.isInteger);
  const rest = isRecord ? args.slice(1) : args;
  const named: Record<string, unknown> = { ...kwargs };
  (def?.params ?? []).forEach((name, i) => {
    if (i < rest.length && !(name in named)) named[name] = rest[i];
  });
  return { ids: isRecord && args.length > 0 ? toIds(args[0]) : undefined, kwargs: named };
}

/** The fetch cron: `_fetch_mails` over confirmed, non-local servers; errors only logged (19: kept on the server). */
export async function runCron(lab: LabState, cron: CronRecord, runtime: ErpRuntime): Promise<void> {
  if (runtime.cronBusy) {
    if (lab.erp.version >= 19) throw userError(`Job '${cron.name}' already executing`);
    return;
  }
  runtime.cronBusy = true;
  try {
    if (cron.code.includes('_fetch_mails')) {
      const servers = lab.erp.fetchmailServers.filter((s) => s.active && s.state === 'done' && s.server_type !== 'local');
      await fetchMail(lab, servers, 'cron');
    }
    cron.lastcall = odooDate(Date.now());
    cron.nextcall = odooDate(Date.now() + cron.interval_number * 60_000);
  } finally {
    runtime.cronBusy = false;
  }
}
