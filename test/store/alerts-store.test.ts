import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { RESULT_HISTORY } from '../../src/store/alerts.js';
import { Store } from '../../src/store/store.js';

const result = {
  id: 'exchange-catchall-rule',
  status: 'fail',
  detail: 'State is Disabled',
  observed: {},
  expected: {},
} as unknown as CheckResult;
const alert = {
  tenant: 'contoso',
  kind: 'fail' as const,
  key: 'exchange-catchall-rule/Catchall',
  checkId: 'exchange-catchall-rule',
  target: 'Catchall',
};
const body = { title: 'contoso: the catch-all rule stopped working', result, members: [], joined: [] };
const slack = { platform: 'slack' as const, conversationId: 'C0ALERTS' };

describe('the alert tables (migration 4)', () => {
  it('refuses a second open alert for the same key, even from another writer; a resolved one does not count', () => {
    const store = Store.open(':memory:');
    const first = store.alerts.create({ ...alert, body }, '2026-12-02T10:00:00.000Z');
    expect(() => store.alerts.create({ ...alert, body }, '2026-12-02T10:05:00.000Z')).toThrow(/UNIQUE/);
    first.state = 'resolved';
    store.alerts.save(first);
    expect(store.alerts.create({ ...alert, body }, '2026-12-02T10:10:00.000Z').id).not.toBe(first.id);
    expect(store.alerts.open('contoso')).toHaveLength(1);
  });

  it(`keeps the last ${RESULT_HISTORY} results of a key, oldest first`, () => {
    const store = Store.open(':memory:');
    for (let i = 0; i < 30; i++) store.alerts.recordResult('contoso', 'fail', alert.key, `t${i}`, i % 3 === 0);
    const kept = store.alerts.recentResults('contoso', 'fail', alert.key);
    expect(kept).toHaveLength(RESULT_HISTORY);
    expect(kept[0]).toBe(10 % 3 === 0);
    expect(kept.at(-1)).toBe(29 % 3 === 0);
  });

  it('an unsent root update is replaced by a newer one; a sent root keeps its ref', () => {
    const store = Store.open(':memory:');
    const { id } = store.alerts.create({ ...alert, body }, '2026-12-02T10:00:00.000Z');
    const message = (summary: string) => ({ summary, tone: 'bad' as const, blocks: [] });
    store.outbox.enqueue({ alertId: id, channel: slack, kind: 'root', message: message('root') });
    store.outbox.enqueue({ alertId: id, channel: slack, kind: 'update', message: message('acknowledged') });
    store.outbox.enqueue({ alertId: id, channel: slack, kind: 'update', message: message('snoozed') });
    expect(store.outbox.unsent().map((r) => `${r.kind} ${r.message.summary}`)).toEqual(['root root', 'update snoozed']);
    const [root] = store.outbox.unsent();
    store.outbox.markSent(root!.id, { ...slack, messageId: '1733130000.000100' });
    expect(store.outbox.postedRef(id, slack)).toEqual({ ...slack, messageId: '1733130000.000100' });
    expect(store.outbox.unsent().map((r) => r.kind)).toEqual(['update']);
  });
});
