import { describe, expect, it } from 'vitest';
import { commandVerb, LiveReply, type LiveReplyTarget, redactDeep } from '../../src/chat/front-end.js';
import { Secret } from '../../src/config/secret.js';
import type { Message } from '../../src/render/message.js';

const msg = (summary: string): Message => ({ summary, tone: 'info', blocks: [] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A platform that takes `latencyMs` per call and records what it got, and whether calls overlapped. */
function platform(latencyMs = 5) {
  const sent: { kind: 'post' | 'update'; summary: string; at: number }[] = [];
  let busy = false;
  let overlapped = false;
  const call = (kind: 'post' | 'update') => async (m: Message) => {
    if (busy) overlapped = true;
    busy = true;
    await sleep(latencyMs);
    sent.push({ kind, summary: m.summary, at: performance.now() });
    busy = false;
  };
  const target: LiveReplyTarget = { post: call('post'), update: call('update') };
  return { target, sent, overlapped: () => overlapped };
}

describe('a live reply (post once, update in place, throttled)', () => {
  it('posts the first version at once, then at most one update per interval, the newest one, and always the final', async () => {
    const p = platform();
    const live = new LiveReply(p.target, { intervalMs: 100 });
    for (let i = 1; i <= 30; i++) {
      live.progress(msg(`${i} of 30`));
      await sleep(10);
    }
    await live.finish(msg('done'));
    expect(p.sent[0]).toMatchObject({ kind: 'post', summary: '1 of 30' });
    expect(p.sent.slice(1).every((s) => s.kind === 'update')).toBe(true);
    expect(p.sent.at(-1)?.summary).toBe('done');
    // ~300 ms of progress at one send per 100 ms: a handful of sends, not 31.
    expect(p.sent.length).toBeGreaterThanOrEqual(3);
    expect(p.sent.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < p.sent.length; i++) expect((p.sent[i]?.at ?? 0) - (p.sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(90);
    // Versions only move forward, never overlap.
    const numbers = p.sent.slice(0, -1).map((s) => Number(s.summary.split(' ')[0]));
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(p.overlapped()).toBe(false);
  });

  it('a quick command is one post of its final version', async () => {
    const p = platform();
    const live = new LiveReply(p.target, { intervalMs: 1000, placeholder: { afterMs: 200, message: msg('Working…') } });
    await live.finish(msg('help text'));
    await sleep(250);
    expect(p.sent.map((s) => [s.kind, s.summary])).toEqual([['post', 'help text']]);
  });

  it('a slow command without progress shows a placeholder, then its final version', async () => {
    const p = platform();
    const live = new LiveReply(p.target, { intervalMs: 50, placeholder: { afterMs: 30, message: msg('Working…') } });
    await sleep(80);
    await live.finish(msg('done'));
    expect(p.sent.map((s) => [s.kind, s.summary])).toEqual([
      ['post', 'Working…'],
      ['update', 'done'],
    ]);
  });

  it('a failed progress send is reported and the next version tries again; the final failure reaches the caller', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const sent: string[] = [];
    const live = new LiveReply(
      {
        post: async (m) => {
          if (fail) throw new Error('ratelimited');
          sent.push(`post ${m.summary}`);
        },
        update: async (m) => {
          sent.push(`update ${m.summary}`);
          throw new Error('message_not_found');
        },
      },
      { intervalMs: 10, onError: (e) => errors.push(e) },
    );
    live.progress(msg('1'));
    await sleep(20);
    fail = false;
    live.progress(msg('2'));
    await sleep(20);
    await expect(live.finish(msg('3'))).rejects.toThrow('message_not_found');
    expect(sent).toEqual(['post 2', 'update 3']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['ratelimited']);
  });

  it('abandon() drops what is pending and waits for the send in flight', async () => {
    const p = platform(30);
    const live = new LiveReply(p.target, { intervalMs: 1000 });
    live.progress(msg('1'));
    live.progress(msg('2'));
    await live.abandon();
    live.progress(msg('3'));
    await sleep(20);
    expect(p.sent.map((s) => s.summary)).toEqual(['1']);
  });
});

describe('front-end helpers', () => {
  it('reads the verb of a command line with or without its prefix', () => {
    expect(commandVerb('/mailsetup status contoso')).toBe('status');
    expect(commandVerb('mailsetup  Check erp')).toBe('check');
    expect(commandVerb('@mailsetup')).toBe('help');
    expect(commandVerb('  ')).toBe('help');
  });

  it('scrubs known secrets from every string of a reply', () => {
    const secret = new Secret('s3cr3t-value-for-redaction', 'inline');
    const reply: Message = {
      summary: `a ${secret.reveal()}`,
      tone: 'bad',
      blocks: [{ type: 'fields', fields: [{ label: 'k', value: `b ${secret.reveal()} c` }] }],
    };
    expect(redactDeep(reply)).toEqual({
      summary: 'a [redacted]',
      tone: 'bad',
      blocks: [{ type: 'fields', fields: [{ label: 'k', value: 'b [redacted] c' }] }],
    });
  });
});
