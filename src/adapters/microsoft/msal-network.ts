import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { isMailsetupError, MailsetupError } from '../../errors.js';
import type { HttpSend } from './http.js';

/** What the identity platform last said or failed with, for mapping MSAL's generic errors. */
export interface MsalWireEvidence {
  /** A transport failure (unreachable, timeout, garbled body) as a coded error. */
  failure?: MailsetupError;
  /** The last non-2xx answer: status and its AADSTS body. */
  errorAnswer?: { status: number; body: Record<string, unknown> };
}

/**
 * MSAL's `system.networkClient` over our HTTPS sender (so the authority is reached with the
 * configured CA). MSAL replaces errors thrown here with a generic `network_error`, so the real
 * cause is kept in `evidence` for the token provider to report.
 */
export function createMsalNetwork(send: HttpSend, evidence: MsalWireEvidence): INetworkModule {
  async function request<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    let response: Awaited<ReturnType<HttpSend>>;
    try {
      response = await send({
        url,
        method,
        headers: options?.headers,
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        retrySafe: true,
      });
    } catch (error) {
      evidence.failure = isMailsetupError(error) ? error : new MailsetupError('AdapterUnavailable', String(error), { source: 'token' });
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      evidence.failure = new MailsetupError(
        'GarbledResponse',
        `The Microsoft sign-in service (${new URL(url).host}) answered HTTP ${response.status} with something that is not JSON.`,
        {
          hint: 'Check services.authorityHost; a proxy may be answering instead of Microsoft.',
          source: 'token',
          details: { httpStatus: response.status },
        },
      );
      throw evidence.failure;
    }
    if (response.status >= 400 && body && typeof body === 'object') {
      evidence.errorAnswer = { status: response.status, body: body as Record<string, unknown> };
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => request<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => request<T>('POST', url, options),
  };
}
