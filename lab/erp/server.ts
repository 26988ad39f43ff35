import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from '../http-body.js';
import { close, type HttpFaultReplies, listen, recordAndApplyFault, sendBody } from '../http-server.js';
import type { LabState } from '../state.js';
import type { LabTenants } from '../tenants.js';
import { dispatch, type ErpRuntime, fromPositional } from './methods.js';
import { accessDenied, OdooError } from './odoo-error.js';
import type { Env } from './orm.js';
import type { ErpUser } from './state.js';

export interface ErpServer {
  /** Starts listening on 127.0.0.1 (`port` 0: a free one) and resolves with the port. */
  open(port: number): Promise<number>;
  close(): Promise<void>;
  listening(): boolean;
}

/**
 * The lab ERP over HTTP, as Odoo answers: `/web/webclient/version_info`, `/jsonrpc` (common.version,
 * common.authenticate, object.execute_kw; errors as HTTP 200 with `error.data.name`), and on 19+
 * `/web/version` and `/json/2/<model>/<method>` (bearer API key; errors as HTTP status + body).
 *
 * It is the hosting front of every tenant's ERP, as an MSP's reverse proxy is: `/<tenant name>/…`
 * goes to that tenant's ERP (the prefix stripped), anything else to the first tenant's. A tenant
 * whose ERP is down while others are up gets the front's 502 page, as nginx answers for a dead upstream.
 */
export async function startErpServer(tenants: LabTenants, runtimeOf: (state: LabState) => ErpRuntime): Promise<ErpServer> {
  const server = createServer((req, res) => {
    const { state, path } = routeToTenant(tenants, req.url ?? '/');
    const answer = state.erp.reachable ? handle(state, runtimeOf(state), req, res, path) : badGateway(res);
    answer.catch((error) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  return {
    open: (port) => listen(server, '127.0.0.1', port),
    close: () => close(server),
    listening: () => server.listening,
  };
}

function routeToTenant(tenants: LabTenants, url: string): { state: LabState; path: string } {
  const path = url.split('?')[0] ?? '/';
  const [, first = '', ...rest] = path.split('/');
  const state = first === tenants.first.tenant.name ? undefined : tenants.byName(first);
  return state ? { state, path: `/${rest.join('/')}` } : { state: tenants.first, path };
}

async function badGateway(res: ServerResponse): Promise<void> {
  res.writeHead(502, { 'Content-Type': 'text/html' });
  res.end(
    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
  );
}

interface Routed {
  key: string;
  answer(): Promise<void>;
}

async function handle(lab: LabState, runtime: ErpRuntime, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const body = await readBody(req);
  const routed = route(lab, runtime, req, res, path, body);
  if (await recordAndApplyFault(lab, 'erp', routed.key, req, res, ERP_FAULT_REPLIES)) return;
  await routed.answer();
}

/** Faults as the ERP's front (nginx before Odoo) answers them. */
const ERP_FAULT_REPLIES: HttpFaultReplies = {
  malformed: (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"jsonrpc": "2.0", "id": 1, "result": [{"id": 1, "na');
  },
  status: (res, status, headers, body) => {
    res.writeHead(status, { 'Content-Type': 'text/html', ...headers });
    res.end(
      body ??
        `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`,
    );
  },
};

function route(lab: LabState, runtime: ErpRuntime, req: IncomingMessage, res: ServerResponse, path: string, body: string): Routed {
  const erp = lab.erp;
  const refused = refuseContentType(lab, req, path);
  if (refused) return { key: `${req.method} ${path}`, answer: async () => refused(res) };
  if (req.method === 'POST' && path === '/web/webclient/version_info') {
    return { key: path, answer: async () => sendJson(res, 200, { jsonrpc: '2.0', id: jsonId(body), result: versionInfo(lab) }) };
  }
  if (req.method === 'GET' && path === '/web/version' && erp.version >= 19) {
    return {
      key: path,
      answer: async () =>
        sendJson(res, 200, { version_info: [erp.version, 0, 0, 'final', 0, ''], version: versionInfo(lab).server_version }),
    };
  }
  if (req.method === 'POST' && path === '/jsonrpc') {
    const request = parse(body) as { id?: unknown; params?: { service?: string; method?: string; args?: unknown[] } } | undefined;
    const params = request?.params ?? {};
    const args = Array.isArray(params.args) ? params.args : [];
    const key = params.service === 'object' ? `${String(args[3])}.${String(args[4])}` : `${params.service}.${params.method}`;
    return {
      key,
      answer: async () => {
        try {
          const result = await jsonRpc(lab, runtime, params.service, params.method, args);
          sendJson(res, 200, { jsonrpc: '2.0', id: request?.id ?? null, result });
        } catch (error) {
          sendJson(res, 200, { jsonrpc: '2.0', id: request?.id ?? null, error: jsonRpcError(lab, error) });
        }
      },
    };
  }
  const json2 = /^\/json\/2\/([\w.]+)\/(\w+)$/.exec(path);
  if (json2 && erp.version >= 19) {
    const [, model = '', method = ''] = json2;
    return {
      key: `${model}.${method}`,
      answer: async () => {
        if (req.method !== 'POST')
          return sendJson(res, 405, json2Error(new OdooError('werkzeug.exceptions.MethodNotAllowed', 'Method Not Allowed', 405)));
        try {
          const result = await jsonTwo(lab, runtime, req, model, method, body);
          sendJson(res, 200, result ?? null);
        } catch (error) {
          const odoo = asOdooError(error);
          sendJson(res, odoo.httpStatus, json2Error(odoo));
        }
      },
    };
  }
  return {
    key: `${req.method} ${path}`,
    answer: async () => {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><title>404: Not Found</title><h1>Not Found</h1><p>The requested URL was not found on the server.</p>');
    },
  };
}

/** The JSON routes and the media types their dispatcher takes (`JsonRPCDispatcher`, `Json2RpcDispatcher`). */
const JSON_RPC_MIMETYPES = ['application/json', 'application/json-rpc'];

/**
 * Odoo dispatches by the request's Content-Type: a JSON route called with another one is refused
 * before the controller runs. 12–15: the route wrapper's BadRequest; 16: BadRequest "Request
 * inferred type…"; 17+: 415 with an `Accept` header. JSON-2 (19) takes only `application/json`.
 */
function refuseContentType(lab: LabState, req: IncomingMessage, path: string): ((res: ServerResponse) => void) | undefined {
  if (req.method !== 'POST') return undefined;
  const version = lab.erp.version;
  const json2 = version >= 19 && /^\/json\/2\/[\w.]+\/\w+$/.test(path);
  const jsonRpc = path === '/jsonrpc' || path === '/web/webclient/version_info';
  if (!json2 && !jsonRpc) return undefined;
  const mimetype = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const accepted = json2 ? ['application/json'] : JSON_RPC_MIMETYPES;
  if (accepted.includes(mimetype)) return undefined;
  const routePattern = json2 ? '/json/2/<model>/<method>' : path;
  const routeType = json2 ? '/json/2/rpc' : version >= 19 ? 'jsonrpc' : 'json';
  if (version <= 15) {
    const endpoint = path === '/jsonrpc' ? '<function DataSet.jsonrpc>' : '<function WebClient.version_info>';
    return (res) =>
      werkzeugError(
        res,
        400,
        'Bad Request',
        `${endpoint}, ${path}: Function declared as capable of handling request of type 'json' but called with a request of type 'http'`,
      );
  }
  const inferred = `Request inferred type is compatible with ['http'] but '${routePattern}' is type='${routeType}'.`;
  if (version === 16) return (res) => werkzeugError(res, 400, 'Bad Request', inferred);
  return (res) =>
    werkzeugError(res, 415, 'Unsupported Media Type', `${inferred}\n\nPlease verify the Content-Type request header and try again.`, {
      Accept: accepted.join(', '),
    });
}

/** werkzeug's HTML error page. */
function werkzeugError(
  res: ServerResponse,
  status: number,
  title: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  const escaped = description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
  res.end(`<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${escaped}</p>\n`);
}

function versionInfo(lab: LabState) {
  const v = lab.erp.version;
  return {
    server_version: lab.erp.serverVersion ?? `${v}.0`,
    server_version_info: [v, 0, 0, 'final', 0, ''],
    server_serie: `${v}.0`,
    protocol_version: 1,
  };
}

async function jsonRpc(lab: LabState, runtime: ErpRuntime, service: unknown, method: unknown, args: unknown[]): Promise<unknown> {
  const erp = lab.erp;
  if (service === 'common' && method === 'version') return versionInfo(lab);
  if (service === 'common' && (method === 'authenticate' || method === 'login')) {
    const [db, login, secret] = args;
    checkDatabase(lab, db);
    return findUser(lab, login, secret)?.id ?? false;
  }
  if (service === 'object' && method === 'execute_kw') {
    const [db, uid, secret, model, objectMethod, positional = [], kwargs = {}] = args;
    checkDatabase(lab, db);
    const user = erp.users.find((u) => u.id === uid);
    if (!user || findUser(lab, user.login, secret) !== user) throw accessDenied();
    const { context, ...rest } = (kwargs ?? {}) as Record<string, unknown>;
    const call = fromPositional(String(objectMethod), String(model), Array.isArray(positional) ? positional : [], rest);
    return dispatch({ lab, env: envFor(lab, user, context), model: String(model), method: String(objectMethod), ...call, runtime });
  }
  throw new OdooError('builtins.Exception', `No such RPC method: ${String(service)}.${String(method)}`, 500);
}

async function jsonTwo(
  lab: LabState,
  runtime: ErpRuntime,
  req: IncomingMessage,
  model: string,
  method: string,
  body: string,
): Promise<unknown> {
  const token = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const user = token ? lab.erp.users.find((u) => u.active && u.apiKeys.includes(token)) : undefined;
  if (!user) throw new OdooError('werkzeug.exceptions.Unauthorized', 'Invalid apikey', 401);
  const database = req.headers['x-odoo-database'];
  if (typeof database === 'string' && database !== lab.erp.database)
    throw new OdooError('werkzeug.exceptions.NotFound', `database "${database}" does not exist`, 404);
  const parsed = body ? parse(body) : {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new OdooError('werkzeug.exceptions.BadRequest', 'the body must be a JSON object', 400);
  const { ids, context, ...kwargs } = parsed as Record<string, unknown>;
  return dispatch({
    lab,
    env: envFor(lab, user, context),
    model,
    method,
    ids: ids === undefined ? undefined : Array.isArray(ids) ? (ids as number[]) : [ids as number],
    kwargs,
    runtime,
  });
}

function envFor(lab: LabState, user: ErpUser, context: unknown): Env {
  return { erp: lab.erp, user, context: context && typeof context === 'object' ? (context as Record<string, unknown>) : {} };
}

/** Password, or (14+) an API key in its place. */
function findUser(lab: LabState, login: unknown, secret: unknown): ErpUser | undefined {
  const user = lab.erp.users.find((u) => u.active && u.login === login);
  if (!user || typeof secret !== 'string') return undefined;
  return user.password === secret || (lab.erp.version >= 14 && user.apiKeys.includes(secret)) ? user : undefined;
}

function checkDatabase(lab: LabState, db: unknown): void {
  if (db !== lab.erp.database) {
    throw new OdooError(
      'psycopg2.OperationalError',
      `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${String(db)}" does not exist`,
      500,
    );
  }
}

function asOdooError(error: unknown): OdooError {
  return error instanceof OdooError
    ? error
    : new OdooError('builtins.Exception', error instanceof Error ? error.message : String(error), 500);
}

const EXCEPTION_TYPES: Record<string, string> = {
  'odoo.exceptions.UserError': 'user_error',
  'odoo.exceptions.ValidationError': 'validation_error',
  'odoo.exceptions.AccessError': 'access_error',
  'odoo.exceptions.AccessDenied': 'access_denied',
  'odoo.exceptions.MissingError': 'missing_error',
};

function jsonRpcError(lab: LabState, error: unknown) {
  const odoo = asOdooError(error);
  return {
    code: 200,
    message: 'Odoo Server Error',
    data: {
      name: odoo.odooName,
      debug: traceback(odoo.odooName, odoo.message),
      message: odoo.message,
      arguments: [odoo.message],
      context: {},
      // 12–14 also say what kind of error it is.
      ...(lab.erp.version <= 14 ? { exception_type: EXCEPTION_TYPES[odoo.odooName] ?? 'internal_error' } : {}),
    },
  };
}

function json2Error(error: OdooError) {
  const name = error.json2?.name ?? error.odooName;
  const message = error.json2?.message ?? error.message;
  return { name, message, arguments: [message, error.httpStatus], context: {}, debug: traceback(name, message) };
}

function traceback(name: string, message: string): string {
  return (
    'Traceback (most recent call last):\n' +
    '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 1638, in _serve_db\n' +
    '    return service_model.retrying(self._serve_ir_http, self.env)\n' +
    `${name}: ${message}\n`
  );
}

function jsonId(body: string): unknown {
  return (parse(body) as { id?: unknown } | undefined)?.id ?? null;
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendBody(res, status, 'application/json', JSON.stringify(value));
}
