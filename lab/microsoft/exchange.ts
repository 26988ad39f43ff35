import { randomUUID } from 'node:crypto';
import type { LabTenants } from '../tenants.js';
import { type CmdletError, runCmdlet } from './cmdlets.js';
import { type LabEndpoint, type LabReply, type LabRequest, tokenTenantId } from './http.js';
import type { MicrosoftState } from './state.js';
import { type LabOrigins, validateLabToken } from './tokens.js';

/**
 * Server-driven page size. The real endpoint pages at `Prefer: odata.maxpagesize` (clients send
 * 1000); the lab pages much earlier so that clients really follow `@odata.nextLink`.
 */
export const EXCHANGE_LAB_PAGE_SIZE = 3;

/**
 * The Exchange Online admin endpoint the EXO V3 module uses:
 * `POST /adminapi/beta/{tenant}/InvokeCommand` with `{"CmdletInput":{"CmdletName","Parameters"}}`.
 * Paging re-POSTs the same body to `@odata.nextLink`. The received `CmdletInput` is recorded as
 * parsed JSON in `state.microsoft.receivedCommands`.
 */
export function exchangeEndpoint(tenants: LabTenants, origins: LabOrigins): LabEndpoint {
  return {
    service: 'exchange',
    key: keyOf,
    // The URL's tenant (id or domain); a URL naming no lab tenant is answered by the token's tenant.
    tenant: (request) =>
      tenants.byTenantRef(decodeURIComponent(/^\/adminapi\/beta\/([^/]+)\//i.exec(request.url.pathname)?.[1] ?? '')) ??
      tenants.byTenantRef(tokenTenantId(request.bearer) ?? '') ??
      tenants.first,
    faultBody: (status) =>
      exoError(status, status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', 'The server is busy. Please try again later.').body,
    route: (request, state) => route(state.microsoft, origins, request),
  };
}

/** `Get-Mailbox {"Identity":"erp@contoso.test"}`, plus the page token when paging. */
function keyOf(request: LabRequest): string {
  const input = parseInput(request.body);
  const skip = request.url.searchParams.get('$skiptoken');
  const base = input
    ? `${String(input.CmdletName)} ${JSON.stringify(input.Parameters ?? {})}`
    : `${request.method} ${request.url.pathname}`;
  return skip ? `${base} $skiptoken=${skip}` : base;
}

function parseInput(body: string): { CmdletName: unknown; Parameters: unknown } | undefined {
  try {
    const parsed = JSON.parse(body) as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } };
    const input = parsed?.CmdletInput;
    return input && typeof input === 'object' ? { CmdletName: input.CmdletName, Parameters: input.Parameters } : undefined;
  } catch {
    return undefined;
  }
}

function route(ms: MicrosoftState, origins: LabOrigins, request: LabRequest): LabReply {
  const match = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i.exec(request.url.pathname);
  if (!match || request.method !== 'POST')
    return exoError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${request.url.pathname}'.`);
  const tenant = decodeURIComponent(match[1] as string);
  const auth = validateLabToken({ microsoft: ms }, request.bearer, 'exchange');
  if (!auth.ok)
    return {
      ...exoError(401, 'Unauthorized', 'The access token is missing, expired or not issued for this resource.'),
      headers: { 'WWW-Authenticate': 'Bearer' },
    };
  if (
    tenant.toLowerCase() !== ms.tenantId.toLowerCase() &&
    !ms.exchange.acceptedDomains.some((d) => d.DomainName.toLowerCase() === tenant.toLowerCase())
  ) {
    return exoError(400, 'BadRequest', `The tenant '${tenant}' could not be found.`);
  }
  const input = parseInput(request.body);
  if (!input) return exoError(400, 'BadRequest', 'The request body must be {"CmdletInput":{"CmdletName":...,"Parameters":{...}}}.');
  ms.receivedCommands.push(structuredClone(input));
  if (!ms.appRoles.exchangeManageAsApp) {
    return exoError(
      401,
      'Unauthorized',
      "The application's token does not carry the Exchange.ManageAsApp role (application permission of Office 365 Exchange Online).",
    );
  }
  if (!ms.appRoles.exchangeRole) {
    return exoError(
      403,
      'Forbidden',
      `The role assigned to application ${auth.clientId} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.`,
    );
  }
  const result = runCmdlet(ms, input.CmdletName, input.Parameters);
  if (!result.ok) return cmdletError(result.error);

  const base = `${origins.exchange}/adminapi/beta/${ms.tenantId}`;
  const size = Math.min(maxPageSize(request), EXCHANGE_LAB_PAGE_SIZE);
  const skip = Number(request.url.searchParams.get('$skiptoken') ?? 0);
  const body: Record<string, unknown> = {
    '@odata.context': `${base}/$metadata#Collection(Exchange.GenericHashTable)`,
    'adminapi.warnings@odata.type': '#Collection(String)',
    '@adminapi.warnings': [],
    value: result.objects.slice(skip, skip + size).map(annotated),
  };
  if (skip + size < result.objects.length) body['@odata.nextLink'] = `${base}/InvokeCommand?$skiptoken=${skip + size}`;
  return { status: 200, body };
}

function maxPageSize(request: LabRequest): number {
  const prefer = String(request.headers.prefer ?? '');
  const size = Number(/odata\.maxpagesize=(\d+)/i.exec(prefer)?.[1] ?? 1000);
  return size > 0 ? size : 1000;
}

/** Multi-valued properties carry an `@data.type` annotation in the real answers. */
function annotated(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (Array.isArray(value)) out[`${key}@data.type`] = '#Collection(String)';
    out[key] = value;
  }
  return out;
}

function cmdletError(error: CmdletError): LabReply {
  const code = `Ex${randomUUID().slice(0, 6).toUpperCase()}`;
  return {
    status: error.status,
    body: {
      error: {
        code: error.code,
        message: 'Error executing cmdlet',
        details: [{ code: 'Context', target: '', message: `${code}|${error.exception}|${error.text}` }],
        innererror: {
          message: 'Error executing cmdlet',
          type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
          stacktrace: '',
          internalexception: { message: error.text, type: error.exception, stacktrace: '' },
        },
      },
    },
  };
}

function exoError(status: number, code: string, message: string): LabReply & { body: unknown } {
  return {
    status,
    body: { error: { code, message, innererror: { message, type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' } } },
  };
}
