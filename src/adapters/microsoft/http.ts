import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { MailsetupError } from '../../errors.js';

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * Safe to send again when a kept-alive connection turns out to be closed before any answer
   * (a read; a sign-in). Default: GET only. A write is never sent twice.
   */
  retrySafe?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** Sends one HTTPS request; transport failures become coded MailsetupErrors. */
export type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;

export interface HttpClientOptions {
  /** Extra CA certificates (PEM) to trust on top of the system's: the lab's CA, a TLS proxy's. */
  ca?: string;
  /** Per request, ms. */
  timeoutMs: number;
  /** What the service is called in messages: "Microsoft Graph". */
  label: string;
  /** `source` of the errors: `graph`, `exchange`, `token`. */
  source: string;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;

/**
 * HTTPS over `node:https` with a configurable CA. Node's global fetch cannot take a CA without
 * undici's dispatcher (not a dependency here), so MSAL, the Graph client and the Exchange client
 * all send through this. Certificate checks stay on: an extra CA is added, never verification removed.
 * @example const send = createHttpSend({ ca, timeoutMs: 10_000, label: 'Microsoft Graph', source: 'graph' });
 */
export function createHttpSend(options: HttpClientOptions): HttpSend {
  const agent = sharedAgent(options.ca);
  return async function send(request: HttpRequest): Promise<HttpResponse> {
    const retrySafe = request.retrySafe ?? request.method === 'GET';
    try {
      return await sendOnce(agent, options, request);
    } catch (error) {
      // A kept-alive connection the server closed while idle fails on reuse before any answer:
      // that request never reached the service, so a safe one goes again on a fresh connection.
      if (error instanceof StaleConnection && retrySafe) return sendOnce(agent, options, request);
      throw error instanceof StaleConnection ? connectionLost(options, new URL(request.url)) : error;
    }
  };
}

/** A reused keep-alive socket that was reset before the answer began (not yet a MailsetupError). */
class StaleConnection extends Error {}

function sendOnce(agent: Agent, options: HttpClientOptions, request: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(cancelled(options));
      return;
    }
    const url = new URL(request.url);
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    if (body) headers['content-length'] = String(body.length);
    const req = httpsRequest(url, { method: request.method, agent, headers });
    let settled = false;
    let answered = false;
    const finish = (error: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response as HttpResponse);
    };
    const timer = setTimeout(() => {
      finish(
        new MailsetupError('AdapterTimeout', `No answer from ${options.label} (${url.host}) within ${seconds(options.timeoutMs)} s.`, {
          hint: 'The service may be down or unreachable from the bot; try again, and check the address in the config.',
          source: options.source,
        }),
      );
    }, options.timeoutMs);
    const onAbort = () => finish(cancelled(options));
    request.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish(
            new MailsetupError('GarbledResponse', `${options.label} sent an answer larger than ${MAX_BODY_BYTES} bytes.`, {
              source: options.source,
            }),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        finish(undefined, { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('aborted', () => finish(connectionLost(options, url)));
      res.on('error', () => finish(connectionLost(options, url)));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const reset = error.code === 'ECONNRESET' || error.code === 'EPIPE';
      if (reset && req.reusedSocket && !answered) finish(new StaleConnection());
      else finish(transportError(options, url, error));
    });
    req.end(body);
  });
}

/**
 * One keep-alive pool per CA bundle for the whole process. Every tenant talks to the same few hosts
 * (login.microsoftonline.com, graph.microsoft.com, outlook.office365.com); a fresh TLS handshake per
 * call was most of a watch cycle's CPU. Each request carries its own tenant's token, so sharing a
 * connection shares nothing else. Idle sockets close after 4 s, before the 5 s a Node or IIS server
 * waits (a server's shorter `Keep-Alive: timeout` hint is honoured by Node), so between watch runs
 * nothing stays open.
 */
const IDLE_SOCKET_MS = 4000;
const agents = new Map<string, Agent>();
function sharedAgent(ca: string | undefined): Agent {
  const key = ca ?? '';
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
      maxFreeSockets: 64,
      scheduling: 'lifo',
      ...(ca ? { secureContext: secureContextFor(ca) } : {}),
    });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Building a secure context parses every root certificate (tens of ms), so each distinct CA bundle
 * gets one, shared by all senders (it is immutable).
 */
const secureContexts = new Map<string, SecureContext>();
function secureContextFor(ca: string): SecureContext {
  let context = secureContexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

function transportError(options: HttpClientOptions, url: URL, error: NodeJS.ErrnoException): MailsetupError {
  const code = error.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE') return connectionLost(options, url);
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(code)) {
    return new MailsetupError('AdapterUnavailable', `The TLS certificate of ${options.label} (${url.host}) is not trusted (${code}).`, {
      hint: 'If a proxy or a lab inspects TLS, give its CA in services.caFile; certificate checks are never turned off.',
      source: options.source,
      details: { errorCode: code },
    });
  }
  return new MailsetupError('AdapterUnavailable', `Cannot reach ${options.label} at ${url.host} (${code || error.message}).`, {
    hint: 'Check the address in the config and that the bot can reach it (DNS, firewall, proxy).',
    source: options.source,
    details: { errorCode: code || undefined },
  });
}

function connectionLost(options: HttpClientOptions, url: URL): MailsetupError {
  return new MailsetupError('ConnectionLost', `${options.label} (${url.host}) closed the connection before answering.`, {
    hint: 'This is usually passing; try again. If it keeps happening, check proxies between the bot and the service.',
    source: options.source,
  });
}

function cancelled(options: HttpClientOptions): MailsetupError {
  return new MailsetupError('AdapterTimeout', `The request to ${options.label} was cancelled before it answered.`, {
    source: options.source,
  });
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
