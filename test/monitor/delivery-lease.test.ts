import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { StoredOutboxDelivery } from '../../src/monitor/outbox-delivery.js';
import { Store } from '../../src/store/store.js';
import { alertRig, labResults, RecordingPoster, TestClock } from './helpers.js';

const MIN = 60_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let ruleDisabled: CheckResult[];
beforeAll(async () => {
  ruleDisabled = await labResults('catchall-rule-disabled');
});

/**
 * A store file with a firing alert's root waiting in the outbox (its rig posts nothing: its
 * delivery is never run), and a second connection to the same file, as another process has.
 */
async function waitingRoot() {
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-lease-'));
  dirs.push(dir);
  const path = join(dir, 'mailsetup.db');
  const clock = new TestClock('2026-12-02T10:00:00Z');
  const store = Store.open(path, { now: clock.now });
  const { book } = alertRig(store, clock);
  book.observe({ tenant: 'contoso', at: clock.now(), cycle: 1, results: ruleDisabled });
  clock.advance(5 * MIN);
  book.observe({ tenant: 'contoso', at: clock.now(), cycle: 2, results: ruleDisabled });
  expect(store.outbox.unsent().map((r) => r.kind)).toEqual(['root']);
  const other = Store.open(path, { now: clock.now });
  const delivery = (s: Store) => {
    const d = new StoredOutboxDelivery({ outbox: s.outbox, now: clock.now });
    const poster = new RecordingPoster();
    d.setPoster('slack', poster);
    return { d, poster };
  };
  return { store, other, clock, delivery };
}

describe('one process at a time delivers the outbox (the bot and `watch --once` from cron share a store)', () => {
  it('two processes delivering at once post the root once', async () => {
    const { store, other, delivery } = await waitingRoot();
    const a = delivery(store);
    const b = delivery(other);
    const [ca, cb] = await Promise.all([a.d.deliverDue(), b.d.deliverDue()]);
    expect(a.poster.posted.length + b.poster.posted.length).toBe(1);
    expect([ca.sent, cb.sent].sort()).toEqual([0, 1]);
    // The one that stood back says who was delivering.
    expect([ca.heldBy, cb.heldBy].filter(Boolean)).toEqual([{ host: hostname(), pid: process.pid }]);
    // The lease is given back after the pass: the other can deliver what comes next.
    expect(store.outbox.deliveryLease()).toBeUndefined();
  });

  it('waits while a live process holds the lease, then delivers once it is given back', async () => {
    const { store, other, delivery } = await waitingRoot();
    const live = { holder: 'the-bot', host: hostname(), pid: process.pid };
    expect(other.outbox.claimDelivery(live, MIN, () => false)).toBe(true);
    const cron = delivery(store);
    expect(await cron.d.deliverDue()).toEqual({ sent: 0, failed: 0, waiting: 1, heldBy: { host: hostname(), pid: process.pid } });
    expect(cron.poster.posted).toEqual([]);
    other.outbox.releaseDelivery('the-bot');
    expect(await cron.d.deliverDue()).toEqual({ sent: 1, failed: 0, waiting: 0 });
  });

  it('takes over at once from a process of this host that died holding the lease (kill -9 mid-pass)', async () => {
    const { store, other, delivery } = await waitingRoot();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    other.outbox.claimDelivery({ holder: 'killed', host: hostname(), pid: deadPid }, 60 * MIN, () => false);
    const restarted = delivery(store);
    expect(await restarted.d.deliverDue()).toEqual({ sent: 1, failed: 0, waiting: 0 });
  });

  it('waits for a lease held on another host until it runs out', async () => {
    const { store, other, clock, delivery } = await waitingRoot();
    other.outbox.claimDelivery({ holder: 'elsewhere', host: 'another-host', pid: 1 }, MIN, () => false);
    const here = delivery(store);
    expect((await here.d.deliverDue()).heldBy).toEqual({ host: 'another-host', pid: 1 });
    clock.advance(MIN + 1);
    expect(await here.d.deliverDue()).toEqual({ sent: 1, failed: 0, waiting: 0 });
  });
});
