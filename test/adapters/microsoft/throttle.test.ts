import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../../src/adapters/microsoft/http.js';
import { retryAfterMs, sendHonouringRetryAfter, throttledError } from '../../../src/adapters/microsoft/throttle.js';
import { MailsetupError } from '../../../src/errors.js';

const throttled = (retryAfter?: string): HttpResponse => ({
  status: 429,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: '{}',
});
const ok: HttpResponse = { status: 200, headers: {}, body: '{"value":[]}' };

/** A sender that answers from a script and records when it was called. */
function scripted(answers: HttpResponse[]) {
  const calls: number[] = [];
  const send = async () => {
    calls.push(Date.now());
    return answers[Math.min(calls.length - 1, answers.length - 1)] as HttpResponse;
  };
  return { send, calls };
}

const options = { label: 'Microsoft Graph', source: 'graph' };

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('waits as told, then returns the answer that is no longer throttled', async () => {
    const { send, calls } = scripted([throttled('0.2'), ok]);
    const response = await sendHonouringRetryAfter(send, options);
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(2);
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual(190);
  });

  it('gives up after three retries and returns the last 429', async () => {
    const { send, calls } = scripted([throttled('0')]);
    const response = await sendHonouringRetryAfter(send, options);
    expect(response.status).toBe(429);
    expect(calls).toHaveLength(4);
  });

  it('does not wait longer than the budget allows', async () => {
    const { send, calls } = scripted([throttled('30'), ok]);
    const response = await sendHonouringRetryAfter(send, { ...options, policy: { maxRetries: 3, maxTotalWaitMs: 10_000 } });
    expect(response.status).toBe(429);
    expect(calls).toHaveLength(1);
    const error = throttledError(response, 'Microsoft Graph', 'graph');
    expect(error.code).toBe('AdapterThrottled');
    expect(error.userMessage).toContain('wait 30 s');
  });

  it('stops waiting when the run is cancelled', async () => {
    const { send, calls } = scripted([throttled('5'), ok]);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const error = await sendHonouringRetryAfter(send, { ...options, signal: abort.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailsetupError);
    expect((error as MailsetupError).code).toBe('AdapterTimeout');
    expect(calls).toHaveLength(1);
  });

  it('retries a 503 only when it carries Retry-After', async () => {
    const unavailable: HttpResponse = { status: 503, headers: {}, body: '' };
    const a = scripted([unavailable, ok]);
    expect((await sendHonouringRetryAfter(a.send, options)).status).toBe(503);
    const b = scripted([{ ...unavailable, headers: { 'retry-after': '0' } }, ok]);
    expect((await sendHonouringRetryAfter(b.send, options)).status).toBe(200);
  });
});
