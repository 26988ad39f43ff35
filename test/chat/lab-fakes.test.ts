import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeConnector, startFakeConnector } from '../../lab/chat/connector.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { Fault, RequestRecord } from '../../lab/faults.js';
import { healthyState } from '../../lab/state.js';

/** The fakes answer like the real services, so the bot's handling of their answers is tested for real. */
describe('the lab’s fake Slack Web API', () => {
  let slack: FakeSlack;
  const shared: { faults: Fault[]; requests: RequestRecord[] } = { faults: [], requests: [] };

  const call = async (method: string, args: Record<string, unknown>, token: string | null = slack.identity.botToken) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(args)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    const response = await fetch(`${slack.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: form.toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    slack = await startFakeSlack(shared);
  });
  afterAll(() => slack.stop());

  it('answers auth.test like Slack, and refuses a wrong or missing token the way Slack does', async () => {
    expect((await call('auth.test', {})).body).toMatchObject({
      ok: true,
      team_id: 'T0LAB00001',
      user_id: slack.identity.botUserId,
      bot_id: slack.identity.botId,
    });
    expect(await call('auth.test', {}, 'xoxb-forged')).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    expect((await call('auth.test', {}, null)).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await call('apps.connections.open', {})).body).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(String((await call('apps.connections.open', {}, slack.identity.appToken)).body.url)).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/,
    );
    expect((await call('chat.unfurl', {})).body).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('posts and updates messages with Slack’s response shapes and errors', async () => {
    const posted = await call('chat.postMessage', {
      channel: 'C1',
      text: 'hello',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
    });
    expect(posted.body).toMatchObject({
      ok: true,
      channel: 'C1',
      ts: expect.stringMatching(/^\d+\.\d{6}$/),
      message: { text: 'hello', bot_id: slack.identity.botId },
    });
    const ts = posted.body.ts as string;
    expect((await call('chat.update', { channel: 'C1', ts, text: 'bye' })).body).toMatchObject({
      ok: true,
      channel: 'C1',
      ts,
      text: 'bye',
    });
    expect((await call('chat.update', { channel: 'C1', ts: '1.000001', text: 'x' })).body).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    expect((await call('chat.postMessage', { channel: 'C1' })).body).toEqual({ ok: false, error: 'no_text' });
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x', thread_ts: '9.000009' })).body).toEqual({
      ok: false,
      error: 'thread_not_found',
    });
    expect(slack.messages.find((m) => m.ts === ts)?.versions.map((v) => v.text)).toEqual(['hello', 'bye']);
  });

  it('refuses blocks Slack would refuse: more than 50, a section over 3,000 characters, a header over 150', async () => {
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const tooMany = await call('chat.postMessage', { channel: 'C1', text: 'x', blocks: many });
    expect(tooMany.body).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: ['no more than 50 items allowed [json-pointer:/blocks]'],
    });
    const long = await call('chat.postMessage', {
      channel: 'C1',
      text: 'x',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }],
    });
    expect(long.body.errors).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/text]']);
    const header = await call('chat.postMessage', {
      channel: 'C1',
      text: 'x',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
    });
    expect(header.body.errors).toEqual(['must be less than 151 characters [json-pointer:/blocks/0/text]']);
  });

  it('takes five messages per response URL, as Slack does', async () => {
    const url = slack.responseUrl();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: `r${i}` }),
      });
      statuses.push(response.status);
      if (i === 5) expect(await response.json()).toEqual({ ok: false, error: 'used_url' });
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('applies injected faults (429 with Retry-After) and records every call', async () => {
    shared.faults.push({ service: 'slack', match: 'chat.update', kind: 'status', status: 429, retryAfterSeconds: 3, times: 1 });
    const limited = await call('chat.update', { channel: 'C1', ts: '1.1', text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(shared.requests.filter((r) => r.service === 'slack').map((r) => r.key)).toContain('POST /api/chat.update');
  });
});

describe('the lab’s fake Bot Connector', () => {
  let connector: FakeConnector;
  const state = healthyState();
  // A Bot Framework token as the lab's token endpoint issues it to the bot's app.
  const token = 'lab-fakes-bot-framework-token';
  state.microsoft.tokens.push({
    token,
    audience: 'botframework',
    clientId: state.microsoft.botApp.appId,
    expiresAt: Date.now() + 3_600_000,
  });
  beforeAll(async () => {
    connector = await startFakeConnector(state, { tokens: state });
  });
  afterAll(() => connector.stop());

  const send = (method: string, path: string, body: unknown) =>
    fetch(`${connector.serviceUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('sends, replies and updates activities, answering {id} like the Bot Connector', async () => {
    const conversation = encodeURIComponent('19:abc@thread.tacv2;messageid=1700000000001');
    const sent = await send('POST', `v3/conversations/${conversation}/activities/1700000000001`, { type: 'message', text: 'hi' });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: string };
    expect(id).toMatch(/^\d+$/);
    const updated = await send('PUT', `v3/conversations/${conversation}/activities/${id}`, { type: 'message', text: 'bye' });
    expect(await updated.json()).toEqual({ id });
    expect(connector.calls.map((c) => [c.kind, c.conversationId, c.targetId])).toEqual([
      ['reply', '19:abc@thread.tacv2;messageid=1700000000001', '1700000000001'],
      ['update', '19:abc@thread.tacv2;messageid=1700000000001', id],
    ]);
    expect(connector.activities[0]?.versions.map((v) => v.activity.text)).toEqual(['hi', 'bye']);
  });

  it('answers errors in the connector’s shape: unknown activity 404, over 28 KB 413', async () => {
    const missing = await send('PUT', 'v3/conversations/a%3A1/activities/42', { type: 'message', text: 'x' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'ActivityNotFoundInConversation', message: 'The activity was not found in the conversation.' },
    });
    const big = await send('POST', 'v3/conversations/a%3A1/activities', { type: 'message', text: 'x'.repeat(30_000) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');
  });
});
