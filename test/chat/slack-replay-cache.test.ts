import { describe, expect, it } from 'vitest';
import { ReplayCache } from '../../src/chat/slack/replay-cache.js';

describe('the replay cache of Slack signatures', () => {
  it('knows a signature until it expires, then lets it through again', () => {
    const cache = new ReplayCache();
    expect(cache.firstSighting('v0=aa', 10_000, 1_000)).toBe(true);
    expect(cache.firstSighting('v0=aa', 10_000, 9_999)).toBe(false);
    expect(cache.firstSighting('v0=aa', 20_000, 10_000)).toBe(true);
  });

  it('stays within its bound, dropping the oldest entry first', () => {
    const cache = new ReplayCache(3);
    for (const key of ['a', 'b', 'c', 'd']) expect(cache.firstSighting(key, 60_000, 0)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.firstSighting('d', 60_000, 1)).toBe(false);
    expect(cache.firstSighting('a', 60_000, 1)).toBe(true);
  });

  it('forgets expired entries as time passes', () => {
    const cache = new ReplayCache();
    cache.firstSighting('a', 1_000, 0);
    cache.firstSighting('b', 2_000, 0);
    cache.firstSighting('c', 9_000, 0);
    cache.firstSighting('d', 9_500, 5_000);
    expect(cache.size).toBe(2);
  });
});
