import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { validateLabToken } from '../microsoft/tokens.js';
import type { LabState } from '../state.js';
import { type ChatLabShared, close, listen, readBody, recordAndFault, sendJson } from './http.js';

/**
 * Who may post to the connector: a bot holding a Bot Framework token the lab's token endpoint issued
 * (`tokens`: the lab state that issued them), or anyone (`anonymous`, for a bot in the Bot
 * Framework's development mode — the console demo).
 */
export type ConnectorAuth = { tokens: Pick<LabState, 'microsoft'> } | 'anonymous';

/** The issuer of the tokens the channel sends to bots (the real Bot Framework's). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

/** One call the bot made to the connector. */
export interface ConnectorCall {
  kind: 'send' | 'reply' | 'update';
  conversationId: string;
  /** The activity id the bot replied to (`reply`) or updated (`update`). */
  targetId?: string;
  /** The id the connector gave (send/reply) or kept (update). */
  activityId: string;
  activity: Record<string, unknown>;
  /** Whether the call carried an `Authorization` header (anonymous bots send none). */
  authorized: boolean;
  at: number;
}

/** An activity the bot posted, with every version it was updated to. */
export interface ConnectorActivityRecord {
  id: string;
  conversationId: string;
  activity: Record<string, unknown>;
  versions: { activity: Record<string, unknown>; at: number }[];
}

export interface FakeConnector {
  /** The `serviceUrl` to put in activities sent to the bot (ends with `/`). */
  serviceUrl: string;
  /** The channel's OpenID metadata (`ToBotFromChannelOpenIdMetadataUrl`), whose keys sign `channelAuthorization`. */
  openIdMetadataUrl: string;
  /**
   * The `Authorization` header the channel sends with an activity to the bot of `appId`: a JWT from
   * the Bot Framework issuer, for that app, naming the activity's `serviceUrl`, endorsed for msteams.
   */
  channelAuthorization(appId: string, serviceUrl?: string): string;
  calls: ConnectorCall[];
  activities: ConnectorActivityRecord[];
  stop(): Promise<void>;
}

/** Teams refuses bot messages over about 28 KB with HTTP 413. */
export const CONNECTOR_MAX_ACTIVITY_BYTES = 28 * 1024;

/**
 * A stand-in for the Bot Connector service a Teams bot replies to (the activity's `serviceUrl`):
 * `POST /v3/conversations/{id}/activities` (send), `POST …/activities/{replyToId}` (reply) and
 * `PUT …/activities/{activityId}` (update), answering `{id}` like the real service and recording
 * everything. Errors use the connector's shape `{error: {code, message}}`. With `tokens`, every
 * activity call needs a Bot Framework token that lab issued (401 otherwise, as the real service);
 * it also publishes the channel's signing keys and signs the activities tests send to the bot.
 */
export async function startFakeConnector(shared: ChatLabShared, auth: ConnectorAuth): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const activities: ConnectorActivityRecord[] = [];
  let counter = 0;
  const signing = channelSigningKey();
  let base = '';

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'ServiceError', message: 'Internal service error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      return sendJson(res, 200, {
        issuer: CHANNEL_TOKEN_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${base}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') return sendJson(res, 200, { keys: [signing.jwk] });
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/.exec(url.pathname);
    const method = req.method ?? 'GET';
    const key = `${method} ${match ? `/v3/conversations/{id}/activities${match[2] ? '/{activityId}' : ''}` : url.pathname}`;
    if (
      await recordAndFault(shared, 'connector', key, req, res, (status) => ({
        error: { code: status === 429 ? 'TooManyRequests' : 'ServiceError', message: 'Injected by the lab' },
      }))
    )
      return;
    if (!match) return sendJson(res, 404, { error: { code: 'NotFound', message: `No route for ${method} ${url.pathname}` } });
    const body = await readBody(req, 4 * CONNECTOR_MAX_ACTIVITY_BYTES);
    if (Buffer.byteLength(body) > CONNECTOR_MAX_ACTIVITY_BYTES) {
      return sendJson(res, 413, { error: { code: 'MessageSizeTooBig', message: 'Message size is too big.' } });
    }
    let activity: Record<string, unknown>;
    try {
      activity = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { code: 'BadSyntax', message: 'Request body is not valid JSON.' } });
    }
    const conversationId = decodeURIComponent(match[1] as string);
    const targetId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const authorized = typeof req.headers.authorization === 'string' && req.headers.authorization.length > 0;
    if (auth !== 'anonymous') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!validateLabToken(auth.tokens, bearer, 'botframework').ok) {
        // What the real service answers a call without a valid Bot Framework token.
        return sendJson(res, 401, { message: 'Authorization has been denied for this request.' });
      }
    }
    const at = Date.now();

    if (method === 'PUT' && targetId) {
      const record = activities.find((a) => a.id === targetId && a.conversationId === baseConversation(conversationId));
      if (!record)
        return sendJson(res, 404, {
          error: { code: 'ActivityNotFoundInConversation', message: 'The activity was not found in the conversation.' },
        });
      record.activity = activity;
      record.versions.push({ activity, at });
      calls.push({ kind: 'update', conversationId, targetId, activityId: targetId, activity, authorized, at });
      return sendJson(res, 200, { id: targetId });
    }
    if (method !== 'POST') return sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: `${method} is not allowed here.` } });
    if (activity.type !== 'message' && activity.type !== 'typing') {
      return sendJson(res, 400, { error: { code: 'BadArgument', message: `Unsupported activity type ${String(activity.type)}.` } });
    }
    counter += 1;
    const id = `1${String(Date.now()).slice(-9)}${String(counter).padStart(3, '0')}`;
    activities.push({ id, conversationId: baseConversation(conversationId), activity, versions: [{ activity, at }] });
    calls.push({ kind: targetId ? 'reply' : 'send', conversationId, targetId, activityId: id, activity, authorized, at });
    return sendJson(res, 201, { id });
  }

  const port = await listen(server);
  base = `http://127.0.0.1:${port}`;
  return {
    serviceUrl: `${base}/`,
    openIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    channelAuthorization: (appId, serviceUrl = `${base}/`) => `Bearer ${signing.sign({ serviceurl: serviceUrl, aud: appId })}`,
    calls,
    activities,
    stop: () => close(server),
  };
}

/** A channel thread's conversation id is `19:…@thread.tacv2;messageid=…`; activities belong to the channel conversation. */
function baseConversation(id: string): string {
  return id.split(';messageid=')[0] as string;
}

/** The channel's RSA signing key, published as a JWK endorsed for msteams (as login.botframework.com does). */
function channelSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const { n, e } = publicKey.export({ format: 'jwk' });
  const jwk = { kty: 'RSA', use: 'sig', kid, n, e, endorsements: ['msteams'] };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    jwk,
    sign(claims: Record<string, unknown>): string {
      const now = Math.floor(Date.now() / 1000);
      const body = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64({ iss: CHANNEL_TOKEN_ISSUER, nbf: now - 5, exp: now + 3600, ...claims })}`;
      return `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey).toString('base64url')}`;
    },
  };
}
