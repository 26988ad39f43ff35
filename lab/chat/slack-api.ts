import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { type ChatLabShared, close, listen, readBody, recordAndFault, sendJson } from './http.js';

/** The lab workspace's fixed facts and fresh credentials (new per start, so tests can scan for them). */
export interface FakeSlackIdentity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botId: string;
  botUserId: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
}

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface SlackMessageRecord {
  channel: string;
  ts: string;
  threadTs?: string;
  /** A thread reply also shown in the channel (`reply_broadcast`; Slack's `thread_broadcast` subtype). */
  broadcast?: boolean;
  text: string;
  blocks: unknown[];
  /** Every version of the message: as posted, then each `chat.update`. */
  versions: { text: string; blocks: unknown[]; at: number }[];
}

export interface SlackEphemeralRecord {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  at: number;
}

/** A modal the bot opened with `views.open`, for the person whose click gave the trigger id. */
export interface SlackModalRecord {
  id: string;
  triggerId: string;
  /** Who clicked (the trigger id's person), when the trigger id came from `triggerId(user)`. */
  userId?: string;
  view: Record<string, unknown>;
  at: number;
}

export interface ResponseUrlPost {
  /** The id in the response URL. */
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
  at: number;
}

export interface FakeSlack {
  identity: FakeSlackIdentity;
  /** The Web API base URL (`services.slackApiUrl`), ending in `/api/`. */
  apiUrl: string;
  /** Every Web API call, in order. */
  calls: SlackCall[];
  /** Messages posted by `chat.postMessage`, with their updates. */
  messages: SlackMessageRecord[];
  ephemerals: SlackEphemeralRecord[];
  views: { userId: string; view: Record<string, unknown>; at: number }[];
  /** Modals opened with `views.open`. */
  modals: SlackModalRecord[];
  responses: ResponseUrlPost[];
  /** Channels where the bot is not a member: `chat.postMessage` answers `not_in_channel`. */
  channelsWithoutBot: Set<string>;
  /**
   * Tokens Slack refuses with a given error, whatever the method: `account_inactive` (the app or
   * workspace was deactivated), `token_revoked`, `invalid_auth`. Unknown tokens are `invalid_auth`
   * anyway, and a token of the wrong kind for a method (a bot token for `apps.connections.open`) is
   * `not_allowed_token_type`, as Slack answers.
   */
  refusedTokens: Map<string, 'account_inactive' | 'token_revoked' | 'invalid_auth'>;
  /** The bot token's scopes, as Slack names them in the `x-oauth-scopes` header (the manifest's by default). */
  botScopes: string[];
  /**
   * A fresh `trigger_id` for an interaction payload, as Slack mints one per click: `views.open`
   * accepts it once, within 3 seconds (`expired_trigger_id`, `exchanged_trigger_id` after that).
   */
  triggerId(userId?: string): string;
  /** A fresh `response_url` (usable 5 times, as Slack's). */
  responseUrl(): string;
  /** Socket Mode: the bot's live connections and a way to deliver envelopes to them. */
  socket: FakeSocketMode;
  stop(): Promise<void>;
}

export interface FakeSocketMode {
  /** Resolves once a client has connected and been sent `hello`. */
  connected(timeoutMs?: number): Promise<void>;
  /**
   * Sends `{envelope_id, type, payload, accepts_response_payload}` to the connected client and
   * resolves with its acknowledgement (`{envelope_id, payload?}`).
   */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown, options?: { timeoutMs?: number }): Promise<SocketAck>;
  acks: SocketAck[];
  /**
   * What Slack does when it recycles a connection: sends `{type: 'disconnect', reason}` on every
   * open connection; the client closes it and opens a new one.
   */
  disconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  /** A firewall that lets the Web API through but not WebSockets: upgrades are cut off. */
  blockWebSockets: boolean;
  /** Number of open Socket Mode connections. */
  readonly connections: number;
}

const SECTION_TEXT = 3000;
const HEADER_TEXT = 150;
const MESSAGE_BLOCKS = 50;
const VIEW_BLOCKS = 100;
const RESPONSE_URL_USES = 5;
const TRIGGER_ID_MS = 3000;
const MODAL_TITLE = 24;
const PRIVATE_METADATA = 3000;

/**
 * A stand-in for the Slack Web API on 127.0.0.1 (`/api/<method>`), with the real response shapes
 * (`{ok: true, channel, ts, message}`; errors `{ok: false, error: 'invalid_auth'}` with HTTP 200),
 * Block Kit limits enforced (`invalid_blocks`), response URLs (`/response/<id>`, five uses) and a
 * Socket Mode WebSocket (`apps.connections.open` hands out `ws://127.0.0.1:<port>/link/?ticket=…`).
 */
export async function startFakeSlack(shared: ChatLabShared = { faults: [], requests: [] }): Promise<FakeSlack> {
  const identity: FakeSlackIdentity = {
    teamId: 'T0LAB00001',
    teamDomain: 'contoso-lab',
    appId: 'A0LABMAIL1',
    botId: 'B0LABMAIL1',
    botUserId: 'U0LABMAIL1',
    botToken: `xoxb-lab-${randomBytes(12).toString('hex')}`,
    appToken: `xapp-1-A0LABMAIL1-${randomBytes(12).toString('hex')}`,
    signingSecret: randomBytes(16).toString('hex'),
  };
  const calls: SlackCall[] = [];
  const messages: SlackMessageRecord[] = [];
  const ephemerals: SlackEphemeralRecord[] = [];
  const views: FakeSlack['views'] = [];
  const modals: SlackModalRecord[] = [];
  const triggers = new Map<string, { userId?: string; at: number; used: boolean }>();
  const responses: ResponseUrlPost[] = [];
  const responseUses = new Map<string, number>();
  const channelsWithoutBot = new Set<string>();
  const refusedTokens: FakeSlack['refusedTokens'] = new Map();
  const tickets = new Set<string>();
  const acks: SocketAck[] = [];
  const pendingAcks = new Map<string, (ack: SocketAck) => void>();
  const sockets = new Set<WebSocket>();
  const connectWaiters: (() => void)[] = [];
  let tsCounter = 0;
  let port = 0;

  const nextTs = () => {
    tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  };

  const methods: Record<string, (args: Record<string, unknown>, token: 'bot' | 'app') => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: `https://${identity.teamDomain}.slack.com/`,
      team: 'Contoso (lab)',
      user: 'mailsetup',
      team_id: identity.teamId,
      user_id: identity.botUserId,
      bot_id: identity.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = String(args.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (channelsWithoutBot.has(channel)) return { ok: false, error: 'not_in_channel' };
      const invalid = checkMessage(args);
      if (invalid) return invalid;
      const ts = nextTs();
      const text = String(args.text ?? '');
      const blocks = (args.blocks as unknown[]) ?? [];
      const threadTs = args.thread_ts === undefined ? undefined : String(args.thread_ts);
      if (threadTs && !messages.some((m) => m.channel === channel && m.ts === threadTs)) return { ok: false, error: 'thread_not_found' };
      // Form-encoded by @slack/web-api, so the boolean arrives as the string "true"; only a thread reply can be broadcast.
      const broadcast = threadTs !== undefined && (args.reply_broadcast === true || args.reply_broadcast === 'true');
      messages.push({
        channel,
        ts,
        threadTs,
        ...(broadcast ? { broadcast } : {}),
        text,
        blocks,
        versions: [{ text, blocks, at: Date.now() }],
      });
      return { ok: true, channel, ts, message: botMessage(ts, text, blocks, threadTs, broadcast) };
    },
    'chat.update': (args) => {
      const channel = String(args.channel ?? '');
      const record = messages.find((m) => m.channel === channel && m.ts === String(args.ts ?? ''));
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!record) return { ok: false, error: 'message_not_found' };
      const invalid = checkMessage(args);
      if (invalid) return invalid;
      record.text = String(args.text ?? '');
      record.blocks = (args.blocks as unknown[]) ?? [];
      record.versions.push({ text: record.text, blocks: record.blocks, at: Date.now() });
      return {
        ok: true,
        channel,
        ts: record.ts,
        text: record.text,
        message: botMessage(record.ts, record.text, record.blocks, record.threadTs),
      };
    },
    'chat.postEphemeral': (args) => {
      const channel = String(args.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!args.user) return { ok: false, error: 'user_not_in_channel' };
      if (channelsWithoutBot.has(channel)) return { ok: false, error: 'not_in_channel' };
      const invalid = checkMessage(args);
      if (invalid) return invalid;
      ephemerals.push({
        channel,
        user: String(args.user),
        text: String(args.text ?? ''),
        blocks: (args.blocks as unknown[]) ?? [],
        at: Date.now(),
      });
      return { ok: true, message_ts: nextTs() };
    },
    'views.publish': (args) => {
      const view = args.view as Record<string, unknown> | undefined;
      if (!args.user_id)
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: user_id'] } };
      if (view?.type !== 'home')
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] view.type must be home'] } };
      const blocks = (view.blocks as unknown[]) ?? [];
      const problems = blockProblems(blocks, VIEW_BLOCKS);
      if (problems.length > 0)
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
      views.push({ userId: String(args.user_id), view, at: Date.now() });
      return {
        ok: true,
        view: {
          id: `V${randomUUID().slice(0, 8).toUpperCase()}`,
          team_id: identity.teamId,
          type: 'home',
          blocks,
          app_id: identity.appId,
          bot_id: identity.botId,
        },
      };
    },
    'views.open': (args) => {
      const triggerId = String(args.trigger_id ?? '');
      const view = args.view as Record<string, unknown> | undefined;
      if (!triggerId || !view)
        return {
          ok: false,
          error: 'invalid_arguments',
          response_metadata: { messages: ['[ERROR] missing required field: trigger_id or view'] },
        };
      const trigger = triggers.get(triggerId);
      if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
      if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
      if (Date.now() - trigger.at > TRIGGER_ID_MS) return { ok: false, error: 'expired_trigger_id' };
      const problems = modalProblems(view);
      if (problems.length > 0)
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
      trigger.used = true;
      const id = `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
      modals.push({ id, triggerId, ...(trigger.userId ? { userId: trigger.userId } : {}), view, at: Date.now() });
      return {
        ok: true,
        view: {
          id,
          team_id: identity.teamId,
          type: 'modal',
          title: view.title,
          submit: view.submit ?? null,
          close: view.close ?? null,
          blocks: view.blocks ?? [],
          private_metadata: view.private_metadata ?? '',
          callback_id: view.callback_id ?? '',
          external_id: view.external_id ?? '',
          state: { values: {} },
          hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
          clear_on_close: false,
          notify_on_close: false,
          root_view_id: id,
          previous_view_id: null,
          app_id: identity.appId,
          app_installed_team_id: identity.teamId,
          bot_id: identity.botId,
        },
      };
    },
    'apps.connections.open': () => {
      const ticket = randomUUID();
      tickets.add(ticket);
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${identity.appId}` };
    },
  };
  const appTokenMethods = new Set(['apps.connections.open']);

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname.startsWith('/response/')) return responseUrlPost(url.pathname.slice('/response/'.length), body, req, res);
    if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { ok: false, error: 'unknown_method' });
    const method = url.pathname.slice('/api/'.length);
    if (
      await recordAndFault(shared, 'slack', `POST /api/${method}`, req, res, (status) => ({
        ok: false,
        error: status === 429 ? 'ratelimited' : 'internal_error',
      }))
    )
      return;
    const args = parseArgs(req.headers['content-type'] ?? '', body);
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const impl = methods[method];
    if (!impl) return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    if (!token) return sendJson(res, 200, { ok: false, error: 'not_authed' });
    const refusal = refusedTokens.get(token);
    if (refusal) return sendJson(res, 200, { ok: false, error: refusal });
    const kind = token === identity.botToken ? 'bot' : token === identity.appToken ? 'app' : undefined;
    if (!kind) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    if (appTokenMethods.has(method) !== (kind === 'app')) return sendJson(res, 200, { ok: false, error: 'not_allowed_token_type' });
    calls.push({ method, args, at: Date.now() });
    // Slack names a bot token's scopes on every Web API answer.
    sendJson(res, 200, impl(args, kind), kind === 'bot' ? { 'x-oauth-scopes': fake.botScopes.join(',') } : {});
  }

  async function responseUrlPost(id: string, body: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await recordAndFault(shared, 'slack', 'POST /response', req, res, () => ({ ok: false, error: 'internal_error' }))) return;
    const uses = responseUses.get(id);
    if (uses === undefined) return sendJson(res, 404, { ok: false, error: 'expired_url' });
    if (uses >= RESPONSE_URL_USES) return sendJson(res, 404, { ok: false, error: 'used_url' });
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
    }
    const invalid = checkMessage(parsed);
    if (invalid) return sendJson(res, 400, invalid);
    responseUses.set(id, uses + 1);
    responses.push({ id, body: parsed, at: Date.now() });
    sendJson(res, 200, { ok: true });
  }

  // Socket Mode: the WebSocket Bolt's SocketModeClient opens with the URL from apps.connections.open.
  const wss = new WebSocket.Server({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, raw: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (socket.blockWebSockets) {
      raw.destroy();
      return;
    }
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      raw.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, raw as never, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        try {
          const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
          if (!message.envelope_id) return;
          const ack: SocketAck = { envelope_id: message.envelope_id, payload: message.payload, at: Date.now() };
          acks.push(ack);
          pendingAcks.get(message.envelope_id)?.(ack);
          pendingAcks.delete(message.envelope_id);
        } catch {
          // Slack ignores what it cannot parse; so does the lab.
        }
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: sockets.size,
          debug_info: { host: 'applink-lab', approximate_connection_time: 18060 },
          connection_info: { app_id: identity.appId },
        }),
      );
      for (const waiter of connectWaiters.splice(0)) waiter();
    });
  });
  // Slack pings its Socket Mode clients; without pings the client reconnects after 30 s.
  const pinger = setInterval(() => {
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.ping();
  }, 10_000);
  pinger.unref();

  port = await listen(server);
  const base = `http://127.0.0.1:${port}`;

  const socket: FakeSocketMode = {
    acks,
    blockWebSockets: false,
    disconnect(reason = 'refresh_requested') {
      for (const ws of sockets) {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-lab' } }));
      }
    },
    get connections() {
      return sockets.size;
    },
    connected(timeoutMs = 5000) {
      if (sockets.size > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no Socket Mode client connected to the lab')), timeoutMs);
        connectWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    send(type, payload, options = {}) {
      const ws = [...sockets].find((s) => s.readyState === WebSocket.OPEN);
      if (!ws) return Promise.reject(new Error('no Socket Mode client is connected to the lab'));
      const envelopeId = randomUUID();
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingAcks.delete(envelopeId);
          reject(new Error(`the Socket Mode client did not acknowledge envelope ${envelopeId}`));
        }, options.timeoutMs ?? 5000);
        pendingAcks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }));
      });
    },
  };

  const fake: FakeSlack = {
    identity,
    apiUrl: `${base}/api/`,
    calls,
    messages,
    ephemerals,
    views,
    modals,
    responses,
    channelsWithoutBot,
    refusedTokens,
    botScopes: ['commands', 'chat:write'],
    triggerId(userId) {
      const id = `${Date.now()}.${randomBytes(6).toString('hex')}`;
      triggers.set(id, { ...(userId ? { userId } : {}), at: Date.now(), used: false });
      return id;
    },
    responseUrl() {
      const id = randomUUID();
      responseUses.set(id, 0);
      return `${base}/response/${id}`;
    },
    socket,
    async stop() {
      clearInterval(pinger);
      for (const ws of sockets) ws.terminate();
      wss.close();
      await close(server);
    },
  };
  return fake;

  function botMessage(ts: string, text: string, blocks: unknown[], threadTs?: string, broadcast = false): Record<string, unknown> {
    return {
      type: 'message',
      subtype: broadcast ? 'thread_broadcast' : 'bot_message',
      text,
      user: identity.botUserId,
      bot_id: identity.botId,
      app_id: identity.appId,
      team: identity.teamId,
      ts,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      blocks,
    };
  }
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

/** Web API arguments: form-encoded (what @slack/web-api sends; JSON-valued fields as strings) or JSON. */
function parseArgs(contentType: string, body: string): Record<string, unknown> {
  if (body.length === 0) return {};
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `no_text` / `invalid_blocks` as Slack answers them, or undefined when the message is acceptable. */
function checkMessage(args: Record<string, unknown>): Record<string, unknown> | undefined {
  const blocks = args.blocks;
  const text = args.text;
  if ((text === undefined || text === '') && (!Array.isArray(blocks) || blocks.length === 0)) return { ok: false, error: 'no_text' };
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return { ok: false, error: 'invalid_blocks_format' };
  const problems = blockProblems(blocks, MESSAGE_BLOCKS);
  return problems.length > 0
    ? { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } }
    : undefined;
}

/** What Slack refuses in a modal view (docs.slack.dev/reference/views/modal-views). */
function modalProblems(view: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const title = view.title as { type?: string; text?: string } | undefined;
  if (view.type !== 'modal') problems.push('view.type must be modal [json-pointer:/view/type]');
  if (title?.type !== 'plain_text' || !title.text) problems.push('must provide a plain_text title [json-pointer:/view/title]');
  else if (title.text.length > MODAL_TITLE)
    problems.push(`must be less than ${MODAL_TITLE + 1} characters [json-pointer:/view/title/text]`);
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.some((b) => (b as { type?: string }).type === 'input') && !view.submit)
    problems.push('must provide submit when an input block is present [json-pointer:/view/submit]');
  if (String(view.private_metadata ?? '').length > PRIVATE_METADATA)
    problems.push(`must be less than ${PRIVATE_METADATA + 1} characters [json-pointer:/view/private_metadata]`);
  problems.push(...blockProblems(blocks, VIEW_BLOCKS));
  return problems;
}

function blockProblems(blocks: unknown[], maxBlocks: number): string[] {
  const problems: string[] = [];
  if (blocks.length > maxBlocks) problems.push(`no more than ${maxBlocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((raw, i) => {
    const block = raw as Record<string, unknown>;
    const text = block.text as { type?: string; text?: string } | undefined;
    const known = ['section', 'header', 'context', 'divider', 'actions', 'image', 'rich_text', 'input'];
    if (!known.includes(String(block.type))) problems.push(`unknown block type [json-pointer:/blocks/${i}/type]`);
    if (block.type === 'header') {
      if (text?.type !== 'plain_text') problems.push(`must be plain_text [json-pointer:/blocks/${i}/text/type]`);
      if ((text?.text?.length ?? 0) > HEADER_TEXT)
        problems.push(`must be less than ${HEADER_TEXT + 1} characters [json-pointer:/blocks/${i}/text]`);
    }
    if (block.type === 'section') {
      if (!text && !Array.isArray(block.fields)) problems.push(`must provide text or fields [json-pointer:/blocks/${i}]`);
      if ((text?.text?.length ?? 0) > SECTION_TEXT)
        problems.push(`must be less than ${SECTION_TEXT + 1} characters [json-pointer:/blocks/${i}/text]`);
      if (text && (text.text ?? '').length === 0) problems.push(`must be more than 0 characters [json-pointer:/blocks/${i}/text/text]`);
      const fields = (block.fields as { text?: string }[] | undefined) ?? [];
      if (fields.length > 10) problems.push(`no more than 10 items allowed [json-pointer:/blocks/${i}/fields]`);
      fields.forEach((f, j) => {
        if ((f.text?.length ?? 0) > 2000) problems.push(`must be less than 2001 characters [json-pointer:/blocks/${i}/fields/${j}/text]`);
      });
    }
    if (block.type === 'actions') {
      const elements = (block.elements as Record<string, unknown>[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 25) problems.push(`must have 1 to 25 elements [json-pointer:/blocks/${i}/elements]`);
      const ids = elements.map((e) => String(e.action_id ?? ''));
      if (new Set(ids).size !== ids.length) problems.push(`action_id must be unique in the block [json-pointer:/blocks/${i}/elements]`);
      elements.forEach((e, j) => {
        const label = (e.text ?? e.placeholder) as { text?: string } | undefined;
        if ((label?.text?.length ?? 0) > 75)
          problems.push(`must be less than 76 characters [json-pointer:/blocks/${i}/elements/${j}/text]`);
        if (String(e.value ?? '').length > 2000)
          problems.push(`must be less than 2001 characters [json-pointer:/blocks/${i}/elements/${j}/value]`);
        for (const [k, option] of ((e.options as { value?: string }[] | undefined) ?? []).entries()) {
          if (String(option.value ?? '').length > 150)
            problems.push(`must be less than 151 characters [json-pointer:/blocks/${i}/elements/${j}/options/${k}/value]`);
        }
      });
    }
    if (block.type === 'input') {
      const label = block.label as { type?: string; text?: string } | undefined;
      if (label?.type !== 'plain_text' || !label.text) problems.push(`must provide a plain_text label [json-pointer:/blocks/${i}/label]`);
      if (!block.element) problems.push(`must provide an element [json-pointer:/blocks/${i}/element]`);
    }
    if (block.type === 'context') {
      const elements = (block.elements as { text?: string }[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 10) problems.push(`must have 1 to 10 elements [json-pointer:/blocks/${i}/elements]`);
      elements.forEach((e, j) => {
        if ((e.text?.length ?? 0) > SECTION_TEXT)
          problems.push(`must be less than ${SECTION_TEXT + 1} characters [json-pointer:/blocks/${i}/elements/${j}/text]`);
      });
    }
  });
  return problems;
}
