import { redact } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface ErpHttpOptions {
  /** The ERP's base URL from config (`tenants[].erp.url`). */
  baseUrl: string;
  /** Per request, ms. */
  timeoutMs: number;
  /** Defaults to the global `fetch` (Node's undici). Tests and proxies may pass their own. */
  fetch?: typeof fetch;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const USER_AGENT = 'mailsetup (ERP checks)';

/**
 * One HTTP exchange with the ERP. Network failures become coded errors (refused → AdapterUnavailable,
 * no answer in time → AdapterTimeout, connection cut → ConnectionLost); the status is left to the caller,
 * except 429 and 5xx, which mean the same for every ERP endpoint.
 */
export async function erpHttp(options: ErpHttpOptions, request: HttpRequest): Promise<HttpAnswer> {
  const url = joinUrl(options.baseUrl, request.path);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const doFetch = options.fetch ?? fetch;
  let answer: HttpAnswer;
  try {
    const response = await doFetch(url, {
      method: request.method,
      headers: {
        'User-Agent': USER_AGENT,
        Accept: 'application/json',
        ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...request.headers,
      },
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      signal,
      redirect: 'follow',
    });
    answer = { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    throw networkError(error, options, request.path, timeout.aborted);
  }
  if (answer.status === 429) {
    const retryAfter = answer.headers.get('retry-after');
    throw new MailsetupError('AdapterThrottled', `The ERP at ${options.baseUrl} is throttling requests (HTTP 429).`, {
      hint: retryAfter ? `Try again in ${retryAfter} s.` : 'Try again in a minute.',
      source: 'erp',
      details: { httpStatus: 429, path: request.path, ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {}) },
    });
  }
  if (answer.status >= 500 && !looksLikeJson(answer)) {
    throw new MailsetupError('AdapterUnavailable', `The ERP at ${options.baseUrl} answered HTTP ${answer.status} on ${request.path}.`, {
      hint: 'The ERP or a proxy in front of it is failing; check that the ERP is up (its server log) and try again.',
      source: 'erp',
      details: { httpStatus: answer.status, path: request.path },
    });
  }
  return answer;
}

function looksLikeJson(answer: HttpAnswer): boolean {
  return (answer.headers.get('content-type') ?? '').includes('json');
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function networkError(error: unknown, options: ErpHttpOptions, path: string, timedOut: boolean): MailsetupError {
  const base = options.baseUrl;
  if (timedOut || isAbort(error)) {
    return new MailsetupError('AdapterTimeout', `The ERP at ${base} did not answer ${path} within ${seconds(options.timeoutMs)} s.`, {
      hint: 'The ERP may be down, overloaded or unreachable from the bot; check that it is up and that tenants[].erp.url is right.',
      source: 'erp',
      details: { path, timeoutMs: options.timeoutMs },
      cause: error,
    });
  }
  const code = errorCode(error);
  const host = safeHost(base);
  if (code === 'ECONNREFUSED') {
    return new MailsetupError('AdapterUnavailable', `The ERP at ${base} refused the connection (nothing listens on ${host}).`, {
      hint: 'Check that the ERP is running and that tenants[].erp.url (host and port) is right.',
      source: 'erp',
      details: { networkError: code, path },
      cause: error,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new MailsetupError('AdapterUnavailable', `The ERP host ${host} does not resolve (${code}).`, {
      hint: 'Check the host name in tenants[].erp.url and the DNS the bot uses.',
      source: 'erp',
      details: { networkError: code, path },
      cause: error,
    });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
    return new MailsetupError('ConnectionLost', `The ERP at ${base} closed the connection before answering ${path}.`, {
      hint: 'A proxy or the ERP dropped the request; try again, and check the ERP and proxy logs if it keeps happening.',
      source: 'erp',
      details: { networkError: code, path },
      cause: error,
    });
  }
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new MailsetupError('AdapterUnavailable', `The ERP's TLS certificate at ${base} is not trusted (${code}).`, {
      hint: 'Give the CA that signed it in services.caFile, or fix the certificate on the ERP.',
      source: 'erp',
      details: { networkError: code, path },
      cause: error,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new MailsetupError('AdapterUnavailable', `Could not reach the ERP at ${base}: ${redact(code ?? text)}.`, {
    hint: 'Check that the ERP is running and that tenants[].erp.url is right.',
    source: 'erp',
    details: { networkError: code ?? 'unknown', path },
    cause: error,
  });
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** undici wraps the socket error: `TypeError('fetch failed', { cause: { code } })`. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function safeHost(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
