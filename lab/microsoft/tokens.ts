import { constants, createHash, randomBytes, randomUUID, verify, X509Certificate } from 'node:crypto';
import { recordIssuedToken } from '../issued-tokens.js';
import type { LabState } from '../state.js';
import type { LabTenants } from '../tenants.js';
import { entraTimestamp, type LabEndpoint, type LabReply, type LabRequest } from './http.js';
import type { IssuedToken, MicrosoftState } from './state.js';

/** The lab's resource origins, known once its listeners are up. */
export interface LabOrigins {
  login: string;
  graph: string;
  exchange: string;
}

export type LabTokenCheck = { ok: true; clientId: string } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'wrong-audience' };

/**
 * Checks a bearer token the lab's token endpoint issued: known, not expired, for `audience`
 * (`exchange` = the Exchange admin API and IMAP XOAUTH2; `graph` = Microsoft Graph; `botframework`
 * = the Bot Connector, issued to the Teams bot's app).
 * @example validateLabToken(state, token, 'exchange') // { ok: true, clientId } or { ok: false, reason }
 */
export function validateLabToken(
  state: Pick<LabState, 'microsoft'>,
  token: string | undefined,
  audience: IssuedToken['audience'],
): LabTokenCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const issued = state.microsoft.tokens.find((t) => t.token === token);
  if (!issued) return { ok: false, reason: 'unknown' };
  if (issued.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
  if (issued.audience !== audience) return { ok: false, reason: 'wrong-audience' };
  return { ok: true, clientId: issued.clientId };
}

/**
 * The Microsoft identity platform as MSAL sees it: OpenID metadata per tenant, instance discovery,
 * and the v2.0 token endpoint (client credentials with a secret or a certificate assertion).
 * Error bodies follow the real AADSTS shape.
 */
export function loginEndpoint(tenants: LabTenants, origins: LabOrigins): LabEndpoint {
  return {
    service: 'token',
    key: (request) => `${request.method} ${request.url.pathname}${scopeOf(request)}`,
    // `/{tenant}/…`; `common/discovery/instance` and `botframework.com` (the Teams bot's) go to the first tenant.
    tenant: (request) => tenants.byTenantRef(request.url.pathname.split('/').filter(Boolean)[0] ?? '') ?? tenants.first,
    faultBody: (status) => aadError(status, 'temporarily_unavailable', 50001, 'The service is temporarily unavailable.').body,
    route: (request, state) => route(state.microsoft, origins, request),
  };
}

function scopeOf(request: LabRequest): string {
  if (request.method !== 'POST') return '';
  const scope = new URLSearchParams(request.body).get('scope');
  return scope ? ` ${scope}` : '';
}

function route(ms: MicrosoftState, origins: LabOrigins, request: LabRequest): LabReply {
  const segments = request.url.pathname.split('/').filter(Boolean);
  if (request.method === 'GET' && segments.join('/') === 'common/discovery/instance') return instanceDiscovery(origins);
  const [tenant, ...rest] = segments;
  const path = rest.join('/');
  if (!tenant) return aadError(404, 'invalid_request', 90002, 'Tenant not specified.');
  if (!isOwnTenant(ms, tenant)) {
    return aadError(
      400,
      request.method === 'GET' ? 'invalid_tenant' : 'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }
  if (request.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') return openIdConfiguration(ms, origins);
  if (request.method === 'POST' && path === 'oauth2/v2.0/token') return issueToken(ms, origins, request, tenant);
  return aadError(404, 'invalid_request', 900561, `The endpoint only accepts POST requests. Received a ${request.method} request.`);
}

function isOwnTenant(ms: MicrosoftState, tenant: string): boolean {
  const t = tenant.toLowerCase();
  // `botframework.com`: the authority a multi-tenant bot signs in at for the Bot Connector.
  return t === ms.tenantId.toLowerCase() || t === 'botframework.com' || ms.graph.domains.some((d) => d.id.toLowerCase() === t);
}

/** The Bot Connector's resource: a bot asks for `https://api.botframework.com/.default`. */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/**
 * The Teams bot's own app registration: a client secret (its MicrosoftAppPassword). Bot Framework
 * tokens; and Graph tokens at its home tenant (not `botframework.com`), for the group members it reads.
 */
function issueBotToken(ms: MicrosoftState, origins: LabOrigins, form: URLSearchParams, tenant: string): LabReply {
  if (form.get('client_secret') !== ms.botApp.password) {
    return aadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${ms.botApp.appId}'.`,
    );
  }
  const scope = form.get('scope') ?? '';
  if (scope === `${origins.graph}/.default` && tenant.toLowerCase() !== 'botframework.com') {
    return grant(ms, 'graph', ms.botApp.appId, origins.graph);
  }
  if (scope !== BOT_FRAMEWORK_SCOPE) {
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${ms.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  return grant(ms, 'botframework', ms.botApp.appId, BOT_FRAMEWORK_SCOPE.replace(/\/\.default$/, ''));
}

function grant(ms: MicrosoftState, audience: IssuedToken['audience'], clientId: string, resource: string): LabReply {
  const token = accessToken(ms, audience, clientId, resource);
  ms.tokens.push({ token, audience, clientId, expiresAt: Date.now() + ms.tokenLifetimeSeconds * 1000 });
  recordIssuedToken(token);
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: ms.tokenLifetimeSeconds, ext_expires_in: ms.tokenLifetimeSeconds, access_token: token },
  };
}

function openIdConfiguration(ms: MicrosoftState, origins: LabOrigins): LabReply {
  const base = `${origins.login}/${ms.tenantId}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origins.login}/${ms.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origins.graph}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: new URL(origins.graph).host,
      rbac_url: 'https://pas.windows.net',
    },
  };
}

/** What MSAL asks `login.microsoftonline.com/common/discovery/instance` when an authority is not known. */
function instanceDiscovery(origins: LabOrigins): LabReply {
  const host = new URL(origins.login).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${origins.login}/{tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

function issueToken(ms: MicrosoftState, origins: LabOrigins, request: LabRequest, tenant: string): LabReply {
  const form = new URLSearchParams(request.body);
  const clientId = form.get('client_id') ?? '';
  if (form.get('grant_type') !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  if (clientId.toLowerCase() === ms.botApp.appId.toLowerCase()) return issueBotToken(ms, origins, form, tenant);
  if (clientId.toLowerCase() !== ms.app.clientId.toLowerCase()) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ms.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const credentialError = checkCredential(ms, origins, form);
  if (credentialError) return credentialError;

  const scope = form.get('scope') ?? '';
  const audience = audienceOf(scope, origins);
  if (!audience) {
    if (!scope.endsWith('/.default')) {
      return aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${ms.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  return grant(ms, audience, ms.app.clientId, scope.replace(/\/\.default$/, ''));
}

/**
 * An app-only access token shaped as Entra issues it: a JWT whose `roles` claim lists the
 * application permissions granted (absent when none is). The lab does not sign it (nothing checks
 * the signature; the bearer is looked up among the tokens issued).
 */
function accessToken(ms: MicrosoftState, audience: IssuedToken['audience'], clientId: string, resource: string): string {
  const now = Math.floor(Date.now() / 1000);
  const roles =
    clientId === ms.botApp.appId
      ? audience === 'graph'
        ? ms.botApp.graphRoles
        : []
      : audience === 'graph'
        ? ms.appRoles.graphDirectoryRead
          ? ['User.Read.All', 'Domain.Read.All', 'Organization.Read.All']
          : []
        : audience === 'exchange'
          ? [...(ms.appRoles.exchangeManageAsApp ? ['Exchange.ManageAsApp'] : []), 'IMAP.AccessAsApp']
          : [];
  const header = { typ: 'JWT', alg: 'RS256', kid: 'lab' };
  const payload = {
    aud: resource,
    iss: `https://sts.windows.net/${ms.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + ms.tokenLifetimeSeconds,
    appid: clientId,
    idtyp: 'app',
    tid: ms.tenantId,
    ...(roles.length > 0 ? { roles } : {}),
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode(header)}.${encode(payload)}.${randomBytes(64).toString('base64url')}`;
}

function audienceOf(scope: string, origins: LabOrigins): IssuedToken['audience'] | undefined {
  if (scope === `${origins.graph}/.default`) return 'graph';
  if (scope === `${origins.exchange}/.default`) return 'exchange';
  return undefined;
}

/** A client secret, or a `client_assertion` JWT checked for audience, issuer, lifetime and thumbprint. */
function checkCredential(ms: MicrosoftState, origins: LabOrigins, form: URLSearchParams): LabReply | undefined {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    if (secret === ms.app.clientSecret) return undefined;
    return aadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${ms.app.clientId}'.`,
    );
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return aadError(401, 'invalid_client', 700025, 'Client assertion type is not supported.');
    }
    return checkAssertion(ms, `${origins.login}/${ms.tenantId}/oauth2/v2.0/token`, assertion);
  }
  return aadError(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function checkAssertion(ms: MicrosoftState, tokenUrl: string, jwt: string): LabReply | undefined {
  const parts = jwt.split('.');
  const header = decodeJson(parts[0]);
  const payload = decodeJson(parts[1]);
  if (parts.length !== 3 || !header || !payload) return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
  const presented = thumbprintOf(header);
  const registered = ms.app.certificateThumbprint?.replace(/:/g, '').toLowerCase();
  if (!presented || presented !== registered) {
    return aadError(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${(presented ?? '').toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${ms.app.clientId}'.]`,
    );
  }
  if (payload.aud !== tokenUrl || payload.iss !== ms.app.clientId || payload.sub !== ms.app.clientId) {
    return aadError(
      401,
      'invalid_client',
      50027,
      'JWT token is invalid or malformed: its aud, iss or sub claim does not match this app and endpoint.',
    );
  }
  const now = Date.now() / 1000;
  if (typeof payload.exp !== 'number' || payload.exp < now || (typeof payload.nbf === 'number' && payload.nbf > now + 300)) {
    return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  }
  if (ms.app.certificatePem && !signatureValid(ms.app.certificatePem, header.alg, parts as [string, string, string])) {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
  }
  return undefined;
}

/** The hex thumbprint a JWT header names: `x5t` (SHA-1) or `x5t#S256`. */
function thumbprintOf(header: Record<string, unknown>): string | undefined {
  const value = header['x5t#S256'] ?? header.x5t;
  return typeof value === 'string' ? Buffer.from(value, 'base64url').toString('hex') : undefined;
}

function signatureValid(certificatePem: string, alg: unknown, [h, p, s]: [string, string, string]): boolean {
  const key = new X509Certificate(certificatePem).publicKey;
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  if (alg === 'RS256') return verify('sha256', data, key, signature);
  if (alg === 'PS256') {
    return verify(
      'sha256',
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      signature,
    );
  }
  return false;
}

function decodeJson(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The SHA-1 thumbprint (hex) of a PEM certificate, as the Entra portal shows it. */
export function certificateThumbprint(certificatePem: string, algorithm: 'sha1' | 'sha256' = 'sha1'): string {
  return createHash(algorithm).update(new X509Certificate(certificatePem).raw).digest('hex');
}

function aadError(status: number, error: string, code: number, text: string): LabReply & { body: unknown } {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = entraTimestamp();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    headers: { 'x-ms-request-id': traceId },
  };
}
