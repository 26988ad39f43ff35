import { AuthenticationHandler, Client } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';
import { isMailsetupError, toMailsetupError } from '../../errors.js';
import { createHttpSend } from '../microsoft/http.js';
import type { ThrottlePolicy } from '../microsoft/throttle.js';
import type { TokenProvider } from '../microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../options.js';
import { type GraphCallContext, garbled, mapGraphError } from './errors.js';
import { GraphTransportFailure, NodeHttpsHandler } from './https-handler.js';
import type { GraphPort } from './port.js';
import { directoryObjectSchema, graphDomainSchema, graphUserSchema, licenseDetailSchema, subscribedSkuSchema } from './types.js';

const USER_FIELDS = [
  'id',
  'userPrincipalName',
  'displayName',
  'mail',
  'accountEnabled',
  'createdDateTime',
  'assignedLicenses',
  'assignedPlans',
];
/** A run that needs more pages than this is following a loop, not a directory. */
const MAX_PAGES = 500;

/**
 * The live Graph adapter: `@microsoft/microsoft-graph-client` with its authentication middleware
 * over the token provider, and a last middleware that sends over HTTPS with the configured CA.
 * Base URL and version come from `services.graphUrl` (`https://graph.microsoft.com/v1.0`).
 */
export function createGraphAdapter(options: AdapterFactoryOptions, tokens: TokenProvider, policy?: ThrottlePolicy): GraphPort {
  const graphUrl = new URL(options.services.graphUrl.replace(/\/+$/, ''));
  const segments = graphUrl.pathname.split('/').filter(Boolean);
  const version = segments.pop() ?? 'v1.0';
  const send = createHttpSend({ ca: options.ca, timeoutMs: options.timeouts.fetchMs, label: 'Microsoft Graph', source: 'graph' });
  const client = Client.initWithMiddleware({
    baseUrl: `${graphUrl.origin}${segments.length ? `/${segments.join('/')}` : ''}/`,
    defaultVersion: version,
    // The token goes only to this host (and Graph's own); never to where a nextLink might point.
    customHosts: new Set([graphUrl.hostname]),
    middleware: [new AuthenticationHandler({ getAccessToken: () => graphToken(tokens) }), new NodeHttpsHandler(send, policy)],
  });
  const clientId = options.tenant.microsoft?.clientId ?? '(none)';

  async function get(path: string, ctx: GraphCallContext, signal?: AbortSignal, select?: string[]): Promise<unknown> {
    try {
      let request = client.api(path).options({ signal });
      if (select) request = request.select(select);
      return await request.get();
    } catch (error) {
      throw mapGraphError(error, ctx);
    }
  }

  function parse<S extends z.ZodType>(schema: S, value: unknown, ctx: GraphCallContext): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw garbled(ctx, `an object without the expected fields (${result.error.issues[0]?.path.join('.') ?? '?'})`);
    return result.data;
  }

  /** Follows `@odata.nextLink` to the end, refusing links to another host. */
  async function collect<S extends z.ZodType>(
    path: string,
    schema: S,
    ctx: GraphCallContext,
    signal?: AbortSignal,
    select?: string[],
  ): Promise<z.output<S>[]> {
    const items: z.output<S>[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined; page++) {
      if (page >= MAX_PAGES) throw garbled(ctx, `more than ${MAX_PAGES} pages`);
      const body = (await get(next, ctx, signal, page === 0 ? select : undefined)) as
        | { value?: unknown; '@odata.nextLink'?: unknown }
        | undefined;
      if (!body || !Array.isArray(body.value)) throw garbled(ctx, 'a collection without `value`');
      for (const item of body.value) items.push(parse(schema, item, ctx));
      const link = body['@odata.nextLink'];
      if (link !== undefined && (typeof link !== 'string' || originOf(link) !== graphUrl.origin)) {
        throw garbled(ctx, 'a next-page link to another host');
      }
      next = link;
    }
    return items;
  }

  const users: GraphCallContext = { what: 'the users', permission: 'User.Read.All', clientId };
  return {
    async getUser(idOrUpn, signal) {
      const ctx = { ...users, what: `user ${idOrUpn}` };
      try {
        return parse(graphUserSchema, await get(`/users/${encodeURIComponent(idOrUpn)}`, ctx, signal, USER_FIELDS), ctx);
      } catch (error) {
        if (isMailsetupError(error) && error.code === 'NotFound') return null;
        throw error;
      }
    },
    listUsers: (signal) => collect('/users?$top=999', graphUserSchema, users, signal, USER_FIELDS),
    listLicenseDetails: (userId, signal) =>
      collect(
        `/users/${encodeURIComponent(userId)}/licenseDetails`,
        licenseDetailSchema,
        { ...users, what: `the licences of user ${userId}` },
        signal,
      ),
    listSubscribedSkus: (signal) =>
      collect(
        '/subscribedSkus',
        subscribedSkuSchema,
        { what: 'the subscriptions (subscribedSkus)', permission: 'Organization.Read.All', clientId },
        signal,
      ),
    listDomains: (signal) =>
      collect('/domains', graphDomainSchema, { what: 'the domains', permission: 'Domain.Read.All', clientId }, signal),
    async listGroupUserMembers(groupId, signal) {
      const ctx = { what: `the members of group ${groupId}`, permission: 'GroupMember.Read.All', clientId };
      try {
        const path = `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$top=999`;
        return (await collect(path, directoryObjectSchema, ctx, signal, ['id'])).map((member) => member.id);
      } catch (error) {
        if (isMailsetupError(error) && error.code === 'NotFound') return null;
        throw error;
      }
    },
  };
}

/** The Graph token; a sign-in failure is carried through the Graph client unchanged (it would flatten it). */
async function graphToken(tokens: TokenProvider): Promise<string> {
  try {
    return await tokens.getToken('graph');
  } catch (error) {
    throw new GraphTransportFailure(toMailsetupError(error, 'Microsoft sign-in'));
  }
}

/** The origin of a link, or undefined when it is not a URL (a garbled answer, not a crash). */
function originOf(link: string): string | undefined {
  try {
    return new URL(link).origin;
  } catch {
    return undefined;
  }
}
