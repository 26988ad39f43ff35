import { type Context, GraphClientError, type Middleware } from '@microsoft/microsoft-graph-client';
import { type MailsetupError, toMailsetupError } from '../../errors.js';
import type { HttpSend } from '../microsoft/http.js';
import { sendHonouringRetryAfter, type ThrottlePolicy } from '../microsoft/throttle.js';

/**
 * A transport failure (unreachable, timeout, closed) carried through the Graph client unchanged:
 * the client passes `GraphClientError`s through, while it would flatten any other error.
 */
export class GraphTransportFailure extends GraphClientError {
  readonly failure: MailsetupError;
  constructor(failure: MailsetupError) {
    super(failure.message);
    Object.setPrototypeOf(this, GraphTransportFailure.prototype);
    this.failure = failure;
  }
}

/**
 * The last middleware of the Graph client's chain: sends over `node:https` with the configured CA
 * (the client's own handler uses global fetch, which cannot take one) and honours 429 Retry-After
 * within a bounded budget, abandoning the wait when the request's signal aborts.
 */
export class NodeHttpsHandler implements Middleware {
  constructor(
    private readonly send: HttpSend,
    private readonly policy?: ThrottlePolicy,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? {};
    const method = (options.method ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET';
    const signal = options.signal ?? undefined;
    try {
      const response = await sendHonouringRetryAfter(
        () =>
          this.send({
            url,
            method,
            headers: plainHeaders(options.headers),
            body: typeof options.body === 'string' ? options.body : undefined,
            signal,
          }),
        { policy: this.policy, signal, label: 'Microsoft Graph', source: 'graph' },
      );
      const empty = response.status === 204 || response.status === 304;
      context.response = new Response(empty ? null : response.body, { status: response.status, headers: response.headers });
    } catch (error) {
      throw new GraphTransportFailure(toMailsetupError(error, 'Microsoft Graph'));
    }
  }
}

function plainHeaders(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return { ...(headers as Record<string, string>) };
}
