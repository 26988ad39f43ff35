import { z } from 'zod';
import { MailsetupError } from '../../errors.js';
import { type ErpHttpOptions, erpHttp } from './http.js';
import type { ErpApi, ErpVersion } from './port.js';
import { parseJson } from './transport.js';

const versionInfo = z.looseObject({
  result: z.looseObject({ server_version: z.string(), server_version_info: z.array(z.unknown()) }).optional(),
  error: z.unknown().optional(),
});

/** `GET /web/version` (19+). */
const webVersion = z.looseObject({ version: z.string(), version_info: z.array(z.unknown()) });

/**
 * Detects the version without logging in: `POST /web/webclient/version_info` (12–19), falling back to
 * `GET /web/version` (19+) when the first is gone.
 */
export async function detectVersion(http: ErpHttpOptions, signal?: AbortSignal): Promise<ErpVersion> {
  const path = '/web/webclient/version_info';
  const answer = await erpHttp(http, { method: 'POST', path, body: { jsonrpc: '2.0', method: 'call', params: {}, id: 0 }, signal });
  if (answer.status === 404) {
    const fallback = await erpHttp(http, { method: 'GET', path: '/web/version', signal });
    if (fallback.status === 404) {
      throw new MailsetupError(
        'AdapterUnavailable',
        `${http.baseUrl} does not look like the ERP: neither ${path} nor /web/version exists.`,
        {
          hint: 'Check tenants[].erp.url: it must be the ERP itself (the address of its login page without /web/login).',
          source: 'erp',
          details: { httpStatus: 404, path },
        },
      );
    }
    const body = parseJson(fallback, webVersion, http.baseUrl, '/web/version');
    return toVersion(body.version, body.version_info);
  }
  const body = parseJson(answer, versionInfo, http.baseUrl, path);
  if (!body.result) {
    throw new MailsetupError('GarbledResponse', `The ERP at ${http.baseUrl} answered ${path} without a version.`, {
      hint: 'Check that tenants[].erp.url points at the ERP and not at a proxy page.',
      source: 'erp',
      details: { path },
    });
  }
  return toVersion(body.result.server_version, body.result.server_version_info);
}

/** `16.0`, `17.0+e`, `saas~17.2` → major/minor; `server_version_info[0]` wins when it is a number. */
export function toVersion(serverVersion: string, info: readonly unknown[]): ErpVersion {
  const parsed = /(\d+)\.(\d+)/.exec(serverVersion);
  const major = typeof info[0] === 'number' ? info[0] : Number(parsed?.[1] ?? Number.NaN);
  const minor = typeof info[1] === 'number' ? info[1] : Number(parsed?.[2] ?? 0);
  if (!Number.isFinite(major)) {
    throw new MailsetupError('GarbledResponse', `The ERP reported a version the bot cannot read ("${serverVersion.slice(0, 40)}").`, {
      hint: 'Check that tenants[].erp.url points at the ERP.',
      source: 'erp',
    });
  }
  return { serverVersion, major, minor, info };
}

/** JSON-2 needs 19+ and an API key; everything else speaks JSON-RPC (deprecated on 19, gone in 22). */
export function apiFor(version: ErpVersion, hasApiKey: boolean): ErpApi {
  return version.major >= 19 && hasApiKey ? 'json-2' : 'json-rpc';
}
