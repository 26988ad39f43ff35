import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { LabServiceName } from '../faults.js';
import { readBody } from '../http-body.js';
import { close, type HttpFaultReplies, listen, recordAndApplyFault, sendBody } from '../http-server.js';
import type { LabState } from '../state.js';
import { labTls } from '../tls.js';

/** One request as a lab route sees it: the parsed URL, the raw body, and the bearer token if any. */
export interface LabRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  bearer?: string;
}

export interface LabReply {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON (a malformed answer). */
  raw?: string;
  headers?: Record<string, string>;
}

/**
 * How a service names a request (for `state.requests` and fault matching), which tenant it is for,
 * and how it shapes an error body.
 */
export interface LabEndpoint {
  service: LabServiceName;
  key(request: LabRequest): string;
  /** The tenant the request is routed to (by the URL's tenant, or the bearer token's `tid`). */
  tenant(request: LabRequest): LabState;
  route(request: LabRequest, state: LabState): LabReply | Promise<LabReply>;
  /** The service's own error body for an injected status fault. */
  faultBody(status: number): unknown;
}

export interface LabListener {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Serves one lab endpoint over TLS (the lab CA's certificate) on 127.0.0.1, an ephemeral port.
 * Every request is routed to its tenant and recorded in `state.requests`, then faults apply, then the route answers.
 */
export async function listenTls(endpoint: LabEndpoint): Promise<LabListener> {
  const tls = labTls();
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    void handle(endpoint, req, res);
  });
  const port = await listen(server);
  return { origin: `https://127.0.0.1:${port}`, stop: () => close(server) };
}

async function handle(endpoint: LabEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    const request: LabRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'https://lab.invalid'),
      headers: req.headers,
      body,
      bearer: authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined,
    };
    const state = endpoint.tenant(request);
    if (await recordAndApplyFault(state, endpoint.service, endpoint.key(request), req, res, faultReplies(endpoint))) return;
    send(res, await endpoint.route(request, state));
  } catch (error) {
    if (!res.headersSent) send(res, { status: 500, body: endpoint.faultBody(500) });
    else res.destroy(error as Error);
  }
}

function faultReplies(endpoint: LabEndpoint): HttpFaultReplies {
  return {
    malformed: (res) => send(res, { status: 200, raw: '{"value": [{"Identity": "trunc' }),
    status: (res, status, headers, body) =>
      send(res, body === undefined ? { status, body: endpoint.faultBody(status), headers } : { status, raw: body, headers }),
  };
}

function send(res: ServerResponse, reply: LabReply): void {
  const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  sendBody(res, reply.status, 'application/json; charset=utf-8', text, { 'request-id': randomUUID(), ...reply.headers });
}

/** `2024-05-01 10:00:00Z`, the timestamp format of Entra error bodies. */
export function entraTimestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** The `tid` claim of a lab access token (a JWT), if it has one. */
export function tokenTenantId(bearer: string | undefined): string | undefined {
  const payload = bearer?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}
