import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailsetupError } from '../errors.js';
import type { Metrics } from './metrics.js';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** One readiness condition: `undefined` when it holds, otherwise the reason it does not. */
export type ReadinessProbe = () => string | undefined;

export interface HttpListenerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  /** Each names what is not ready (store closed, Slack not connected, scheduler late). */
  readiness: () => readonly ReadinessProbe[];
  /** Front ends mounted by path: Teams' `/api/messages`, Slack's `/slack/events`. */
  routes?: ReadonlyMap<string, RequestHandler>;
}

/**
 * The bot's one HTTP listener: `/healthz` (the process answers), `/readyz` (store open, chat
 * connected, scheduler on time — 503 with the reasons otherwise), `/metrics` (Prometheus), and the
 * chat endpoints mounted beside them, so a deployment opens one port.
 */
export class HttpListener {
  readonly #options: HttpListenerOptions;
  #server?: Server;
  #draining = false;

  constructor(options: HttpListenerOptions) {
    this.#options = options;
  }

  async start(): Promise<{ port: number }> {
    const server = createServer((request, response) => this.#handle(request, response));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new MailsetupError(
            'ConfigInvalid',
            `The HTTP listener cannot listen on ${this.#options.host}:${this.#options.port} (${error.code ?? error.message}).`,
            {
              hint: 'Choose a free port with http.port (or MAILSETUP__http__port), or stop what holds it.',
              cause: error,
            },
          ),
        ),
      );
      server.listen(this.#options.port, this.#options.host, () => resolve());
    });
    return { port: (server.address() as AddressInfo).port };
  }

  /** Shutdown has begun: readiness fails at once so a load balancer stops sending work. */
  drain(): void {
    this.#draining = true;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const mounted = this.#options.routes?.get(path);
    if (mounted) {
      mounted(request, response);
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(response, 405, { error: 'method not allowed' });
    } else if (path === '/healthz') {
      reply(response, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      const reasons = this.#draining ? ['shutting down'] : this.#options.readiness().flatMap((probe) => probe() ?? []);
      reply(response, reasons.length === 0 ? 200 : 503, reasons.length === 0 ? { status: 'ready' } : { status: 'not ready', reasons });
    } else if (path === '/metrics') {
      this.#options.metrics.text().then(
        (text) => {
          response.writeHead(200, { 'content-type': this.#options.metrics.contentType });
          response.end(text);
        },
        () => reply(response, 500, { error: 'metrics unavailable' }),
      );
    } else {
      reply(response, 404, { error: 'not found' });
    }
  }
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
