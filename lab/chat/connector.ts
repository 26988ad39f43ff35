import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type ChatLabShared, close, listen, readBody, recordAndFault, sendJson } from './http.js';

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
 * everything. Errors use the connector's shape `{error: {code, message}}`.
 */
export async function startFakeConnector(shared: ChatLabShared = { faults: [], requests: [] }): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const activities: ConnectorActivityRecord[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'ServiceError', message: 'Internal service error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    calls,
    activities,
    stop: () => close(server),
  };
}

/** A channel thread's conversation id is `19:…@thread.tacv2;messageid=…`; activities belong to the channel conversation. */
function baseConversation(id: string): string {
  return id.split(';messageid=')[0] as string;
}
