import { randomUUID } from 'node:crypto';
import type { LabTenants } from '../tenants.js';
import { type LabEndpoint, type LabReply, type LabRequest, tokenTenantId } from './http.js';
import type { GraphUser, MicrosoftState } from './state.js';
import { type LabOrigins, validateLabToken } from './tokens.js';

/**
 * Server-driven page size for collections. Real Graph pages users at 100 by default (up to 999
 * with `$top`); the lab pages earlier so that clients really follow `@odata.nextLink`.
 */
export const GRAPH_LAB_PAGE_SIZE = 3;

/**
 * Microsoft Graph v1.0, read side: `/users`, `/users/{id|upn}`, `/users/{id}/licenseDetails`,
 * `/subscribedSkus`, `/domains`. Real shapes: `@odata.context`, `value`, `@odata.nextLink` with
 * `$top`/`$skiptoken`, `$select` (users: only the default properties without it), and the `{error:{code,message,innerError}}` error body.
 */
export function graphEndpoint(tenants: LabTenants, origins: LabOrigins): LabEndpoint {
  return {
    service: 'graph',
    key: (request) => `${request.method} ${decodeURIComponent(request.url.pathname)}${request.url.search}`,
    tenant: (request) => tenants.byTenantRef(tokenTenantId(request.bearer) ?? '') ?? tenants.first,
    faultBody: (status) =>
      status === 429
        ? graphError(status, 'TooManyRequests', 'Too many requests').body
        : graphError(status, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.').body,
    route: (request, state) => route(state.microsoft, origins, request),
  };
}

function route(ms: MicrosoftState, origins: LabOrigins, request: LabRequest): LabReply {
  const auth = validateLabToken({ microsoft: ms }, request.bearer, 'graph');
  if (!auth.ok) {
    const message = {
      missing: 'Access token is empty.',
      unknown: 'Access token validation failure.',
      expired: 'Lifetime validation failed, the token is expired.',
      'wrong-audience': 'Access token validation failure. Invalid audience.',
    }[auth.reason];
    return { ...graphError(401, 'InvalidAuthenticationToken', message), headers: { 'WWW-Authenticate': 'Bearer realm=""' } };
  }
  const segments = request.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] !== 'v1.0') return graphError(400, 'BadRequest', `Invalid version: ${segments[0] ?? ''}`);
  if (request.method !== 'GET') return graphError(405, 'Request_BadRequest', `The HTTP method '${request.method}' is not allowed here.`);
  const base = `${origins.graph}/v1.0`;
  const [collection, id, navigation, ...rest] = segments.slice(1);
  // The Teams bot's app holds only the group permissions it was granted; the checking app none of them.
  const groupReader = auth.clientId === ms.botApp.appId && ms.botApp.graphRoles.some((r) => GROUP_MEMBER_ROLES.includes(r));
  if (collection === 'groups') {
    if (!groupReader) return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    return groupMembers(ms, request, base, id, navigation, rest);
  }
  if (auth.clientId === ms.botApp.appId || !ms.appRoles.graphDirectoryRead)
    return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  if (rest.length > 0) return notFoundSegment(rest[0] as string);

  if (collection === 'users') {
    if (id === undefined) return page(request, base, 'users', ms.graph.users.map(publicUser), GRAPH_USER_DEFAULT_PROPERTIES);
    const user = findUser(ms, id);
    if (!user) return resourceNotFound(id);
    if (navigation === undefined) return entity(request, `${base}/$metadata#users`, publicUser(user), GRAPH_USER_DEFAULT_PROPERTIES);
    if (navigation === 'licenseDetails') {
      return {
        status: 200,
        body: { '@odata.context': `${base}/$metadata#users('${user.id}')/licenseDetails`, value: user.licenseDetails },
      };
    }
    return notFoundSegment(navigation);
  }
  if (collection === 'subscribedSkus' && id === undefined) {
    return {
      status: 200,
      body: { '@odata.context': `${base}/$metadata#subscribedSkus`, value: ms.graph.subscribedSkus.map((s) => withAccount(ms, s)) },
    };
  }
  if (collection === 'domains') {
    if (id === undefined)
      return { status: 200, body: { '@odata.context': `${base}/$metadata#domains`, value: ms.graph.domains.map(publicDomain) } };
    const domain = ms.graph.domains.find((d) => d.id.toLowerCase() === id.toLowerCase());
    if (!domain) return resourceNotFound(id);
    if (navigation !== undefined) return notFoundSegment(navigation);
    return { status: 200, body: { '@odata.context': `${base}/$metadata#domains/$entity`, ...publicDomain(domain) } };
  }
  return notFoundSegment(collection ?? '');
}

/** Application permissions that let an app read a group's members (as src/approvals/entra-groups.ts lists them). */
const GROUP_MEMBER_ROLES = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];

/**
 * `/groups/{id}/transitiveMembers/microsoft.graph.user`: the users in a group and its nested
 * groups, paged. An id that is no group (a user's) is Request_ResourceNotFound, as in Graph.
 */
function groupMembers(
  ms: MicrosoftState,
  request: LabRequest,
  base: string,
  id: string | undefined,
  navigation: string | undefined,
  rest: string[],
): LabReply {
  if (id === undefined) return graphError(400, 'Request_BadRequest', 'The lab serves group members only.');
  const group = ms.graph.groups.find((g) => g.id.toLowerCase() === id.toLowerCase());
  if (!group) return resourceNotFound(id);
  if (navigation !== 'transitiveMembers') return notFoundSegment(navigation ?? '');
  if (rest.length > 1 || (rest[0] !== undefined && rest[0] !== 'microsoft.graph.user')) return notFoundSegment(rest[0] as string);
  const users = new Set<string>();
  const seen = new Set<string>();
  const walk = (g: (typeof ms.graph.groups)[number]) => {
    if (seen.has(g.id)) return;
    seen.add(g.id);
    for (const member of g.members) {
      const nested = ms.graph.groups.find((n) => n.id === member);
      if (nested) walk(nested);
      else users.add(member);
    }
  };
  walk(group);
  const members = [...users].map((userId) => ({ '@odata.type': '#microsoft.graph.user', id: userId }));
  return page(request, base, 'directoryObjects', members, ['id'], `groups/${group.id}/transitiveMembers/microsoft.graph.user`);
}

function findUser(ms: MicrosoftState, id: string): GraphUser | undefined {
  const wanted = id.toLowerCase();
  return ms.graph.users.find((u) => u.id.toLowerCase() === wanted || u.userPrincipalName.toLowerCase() === wanted);
}

/** A user as Graph returns it (the lab keeps `licenseDetails` on the user; Graph serves it separately). */
function publicUser(user: GraphUser): Record<string, unknown> {
  const { licenseDetails: _licenseDetails, ...rest } = user;
  return {
    ...rest,
    givenName: null,
    surname: null,
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    businessPhones: [],
  };
}

function publicDomain(domain: MicrosoftState['graph']['domains'][number]): Record<string, unknown> {
  return {
    ...domain,
    isAdminManaged: true,
    isRoot: true,
    availabilityStatus: null,
    passwordNotificationWindowInDays: null,
    passwordValidityPeriodInDays: null,
    state: null,
  };
}

function withAccount(ms: MicrosoftState, sku: MicrosoftState['graph']['subscribedSkus'][number]): Record<string, unknown> {
  return { accountName: ms.tenantId, accountId: ms.tenantId, appliesTo: 'User', ...sku };
}

/**
 * What v1.0 returns for a user without `$select`: only these; `accountEnabled`, `assignedLicenses`,
 * `assignedPlans`, `createdDateTime`, `proxyAddresses`… come back only when `$select` names them
 * (learn.microsoft.com/graph/api/resources/user, "Properties": returned by default).
 */
export const GRAPH_USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
];

/**
 * `$select`: only the named properties (Graph then omits the rest, `id` included); without it, the
 * resource's default set when it has one (users), else everything.
 */
function selected(request: LabRequest, object: Record<string, unknown>, defaults?: readonly string[]): Record<string, unknown> {
  const select = request.url.searchParams.get('$select');
  if (!select) return defaults ? Object.fromEntries(defaults.filter((n) => n in object).map((n) => [n, object[n]])) : object;
  const names = select.split(',').map((s) => s.trim());
  return Object.fromEntries(names.filter((n) => n in object).map((n) => [n, object[n]]));
}

function entity(request: LabRequest, context: string, object: Record<string, unknown>, defaults?: readonly string[]): LabReply {
  const select = request.url.searchParams.get('$select');
  return {
    status: 200,
    body: { '@odata.context': `${context}${select ? `(${select})` : ''}/$entity`, ...selected(request, object, defaults) },
  };
}

/** A collection page: `$top` (capped at the lab's page size) and an opaque `$skiptoken` offset. */
function page(
  request: LabRequest,
  base: string,
  name: string,
  items: Record<string, unknown>[],
  defaults?: readonly string[],
  /** The collection's path when it is not its context name (a navigation: `groups/{id}/transitiveMembers/…`). */
  path = name,
): LabReply {
  const params = request.url.searchParams;
  const top = Number(params.get('$top') ?? 100);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    return graphError(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${params.get('$top')}'. Must be between 1 and 999 inclusive.`,
    );
  }
  const token = params.get('$skiptoken');
  const offset =
    token === null
      ? 0
      : Number(
          Buffer.from(token, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        );
  if (!Number.isInteger(offset) || offset < 0)
    return graphError(
      400,
      'Directory_ExpiredPageToken',
      'The specified page token value has expired and can no longer be included in your request.',
    );
  const size = Math.min(top, GRAPH_LAB_PAGE_SIZE);
  const select = params.get('$select');
  const body: Record<string, unknown> = {
    '@odata.context': `${base}/$metadata#${name}${select ? `(${select})` : ''}`,
    value: items.slice(offset, offset + size).map((item) => selected(request, item, defaults)),
  };
  if (offset + size < items.length) {
    const next = new URLSearchParams();
    for (const [k, v] of params) if (k !== '$skiptoken') next.set(k, v);
    next.set('$skiptoken', Buffer.from(`offset:${offset + size}`).toString('base64url'));
    body['@odata.nextLink'] = `${base}/${path}?${decodeURIComponent(next.toString())}`;
  }
  return { status: 200, body };
}

function resourceNotFound(id: string): LabReply {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function notFoundSegment(segment: string): LabReply {
  return graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

/** Graph's error body, with the `innerError` every real answer carries. */
export function graphError(status: number, code: string, message: string): LabReply & { body: unknown } {
  const requestId = randomUUID();
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
  };
}
