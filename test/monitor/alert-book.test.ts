import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { Store } from '../../src/store/store.js';
import { ANA, alertRig, CHANNEL, labResults, TestClock, throttled } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

let healthy: CheckResult[];
let ruleDisabled: CheckResult[];
beforeAll(async () => {
  healthy = await labResults('healthy');
  ruleDisabled = await labResults('catchall-rule-disabled');
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fresh(start = '2026-12-02T09:55:00Z') {
  const clock = new TestClock(start);
  const store = Store.open(':memory:', { now: clock.now });
  return { store, clock, ...alertRig(store, clock) };
}

describe('the alert book on real lab results', () => {
  it('catch-all rule disabled: one root after 2 failing runs, with what changed and what it means; a third run posts nothing new', async () => {
    const { clock, run, poster } = fresh();
    await run(healthy); // 09:55: the last passing run
    clock.set('2026-12-02T10:00:00Z');
    const first = await run(ruleDisabled);
    expect(first).toEqual([
      expect.objectContaining({ checkId: 'exchange-catchall-rule', kind: 'fail', from: 'ok', to: 'pending', cycle: 2 }),
    ]);
    expect(poster.posted).toEqual([]);

    clock.set('2026-12-02T10:05:00Z');
    const second = await run(ruleDisabled);
    expect(second).toEqual([expect.objectContaining({ checkId: 'exchange-catchall-rule', from: 'pending', to: 'firing', cycle: 3 })]);
    expect(poster.roots()).toHaveLength(1);
    const root = poster.roots()[0]!;
    expect(root.channel).toBe(CHANNEL.conversationId);
    expect(root.text).toContain('contoso: the catch-all rule stopped working');
    expect(root.text).toContain(
      'The catch-all rule stopped working between 09:55 UTC and 10:00 UTC: mail to unknown addresses at contoso.test now bounces and never reaches the ERP.',
    );
    expect(root.text).toContain('`State` Enabled → Disabled');
    expect(root.text).toContain('What changed since the last passing run (09:55 UTC):');
    expect(root.text).toContain('firing since 10:05 UTC');
    expect(root.message.blocks).toContainEqual({
      type: 'alert-actions',
      alertId: expect.stringMatching(/^a-/),
      actions: ['acknowledge', 'snooze', 'fix', 'run'],
    });

    clock.set('2026-12-02T10:10:00Z');
    expect(await run(ruleDisabled)).toEqual([]);
    expect(poster.posted).toHaveLength(1);
  });

  it('names the day of a last passing run that was not the day the alert opened', async () => {
    const { clock, run, poster } = fresh('2026-12-01T23:55:00Z');
    await run(healthy);
    clock.set('2026-12-02T00:00:00Z');
    await run(ruleDisabled);
    clock.set('2026-12-02T00:05:00Z');
    await run(ruleDisabled);
    expect(poster.roots()[0]?.text).toContain('What changed since the last passing run (1 Dec 2026, 23:55 UTC):');
  });

  it('an acknowledged alert gets no reminders, only its recovery: a broadcast thread reply and the root turned green', async () => {
    const { clock, run, poster, desk } = fresh();
    await run(healthy);
    clock.set('2026-12-02T10:00:00Z');
    await run(ruleDisabled);
    clock.set('2026-12-02T10:05:00Z');
    await run(ruleDisabled);
    const [alert] = desk.list();
    const outcome = await desk.click({ action: 'acknowledge', alertId: alert!.id, reason: 'vendor changing IPs' }, ANA, CHANNEL);
    await outcome.done;
    expect(outcome.refusal).toBeUndefined();
    expect(poster.updates().at(-1)?.text).toContain('firing since 10:05 UTC · acknowledged by Ana: "vendor changing IPs"');

    for (let i = 0; i < 12; i++) {
      clock.advance(HOUR);
      await run(ruleDisabled);
    }
    expect(poster.threads()).toEqual([]);
    expect(poster.roots()).toHaveLength(1);

    clock.set('2026-12-02T22:40:00Z');
    const recovered = await run(healthy);
    expect(recovered).toEqual([expect.objectContaining({ from: 'acknowledged', to: 'resolved' })]);
    expect(poster.threads()).toHaveLength(1);
    const recovery = poster.threads()[0]!;
    expect(recovery.broadcast).toBe(true);
    expect(recovery.ref).toBe(poster.roots()[0]!.ref);
    expect(recovery.text).toContain('contoso: the catch-all rule works again (resolved after 12 h 40 min)');
    const last = poster.updates().at(-1)!;
    expect(last.ref).toBe(poster.roots()[0]!.ref);
    expect(last.message.tone).toBe('ok');
    expect(last.text).toContain('resolved after 12 h 40 min');
    expect(last.message.blocks.some((b) => b.type === 'alert-actions')).toBe(false);
  });

  it('an unacknowledged alert is followed up in its thread after 4 h, not in the channel', async () => {
    const { clock, run, poster } = fresh('2026-12-02T10:00:00Z');
    await run(ruleDisabled);
    clock.advance(5 * MIN);
    await run(ruleDisabled);
    for (let i = 0; i < 9; i++) {
      clock.advance(30 * MIN);
      await run(ruleDisabled);
    }
    expect(poster.roots()).toHaveLength(1);
    expect(poster.threads()).toHaveLength(1);
    expect(poster.threads()[0]).toMatchObject({ broadcast: false, ref: poster.roots()[0]!.ref });
    expect(poster.threads()[0]!.text).toMatch(/^Still failing after 4 h: Transport rule "Catchall for Twenty20": State is Disabled/);
  });

  it('10 alternating failing and passing runs post at most one root, and the alert is held open as flapping', async () => {
    const { clock, run, poster, desk } = fresh('2026-12-02T10:00:00Z');
    for (let i = 0; i < 10; i++) {
      await run(ruleDisabled);
      clock.advance(5 * MIN);
      await run(healthy);
      clock.advance(5 * MIN);
    }
    expect(poster.roots().length).toBeLessThanOrEqual(1);
    const open = desk.list();
    expect(open.length).toBeLessThanOrEqual(1);
    if (poster.roots().length === 1) {
      expect(open[0]?.flapping).toBe(true);
      expect(poster.posted.at(-1)?.text ?? poster.roots()[0]!.text).toContain('flapping');
    }
  });

  it('the failing runs that settle close the flapping alert once, with one recovery', async () => {
    const { clock, run, poster } = fresh('2026-12-02T10:00:00Z');
    for (let i = 0; i < 6; i++) {
      await run(ruleDisabled);
      clock.advance(5 * MIN);
      await run(healthy);
      clock.advance(5 * MIN);
    }
    for (let i = 0; i < 20; i++) {
      await run(healthy);
      clock.advance(5 * MIN);
    }
    expect(poster.roots()).toHaveLength(1);
    expect(poster.threads().filter((t) => t.broadcast)).toHaveLength(1);
    expect(poster.updates().at(-1)?.message.tone).toBe('ok');
  });

  it('a snooze that ends while the check still fails re-notifies once, in the thread and the channel', async () => {
    const { clock, run, poster, desk, book } = fresh('2026-12-02T10:00:00Z');
    await run(ruleDisabled);
    clock.advance(5 * MIN);
    await run(ruleDisabled);
    const [alert] = desk.list();
    const snoozed = await desk.click(
      { action: 'snooze', alertId: alert!.id, durationMs: HOUR, reason: 'maintenance window' },
      ANA,
      CHANNEL,
    );
    await snoozed.done;
    expect(poster.updates().at(-1)?.text).toContain('snoozed until 11:05 UTC: "maintenance window"');
    for (let i = 0; i < 11; i++) {
      clock.advance(5 * MIN);
      expect(book.tick(clock.now())).toEqual([]);
      await run(ruleDisabled);
    }
    expect(poster.threads()).toEqual([]);
    clock.advance(5 * MIN); // 11:05
    expect(book.tick(clock.now())).toEqual([expect.objectContaining({ from: 'snoozed', to: 'firing' })]);
    expect(book.tick(clock.now())).toEqual([]);
    await run(ruleDisabled);
    expect(poster.threads()).toHaveLength(1);
    expect(poster.threads()[0]).toMatchObject({ broadcast: true });
    expect(poster.threads()[0]!.text).toContain(
      'The snooze of contoso: the catch-all rule stopped working ended, and it is still failing.',
    );
    expect(poster.roots()).toHaveLength(1);
  });

  it('a Slack 429 on the root is delivered after its Retry-After, once, and the updates wait for it', async () => {
    const { clock, run, poster, delivery } = fresh('2026-12-02T10:00:00Z');
    poster.failNext.push(throttled(30_000));
    await run(ruleDisabled);
    clock.advance(5 * MIN);
    await run(ruleDisabled);
    expect(poster.roots()).toEqual([]);
    clock.advance(10_000);
    expect(await delivery.deliverDue()).toEqual({ sent: 0, failed: 0, waiting: 1 });
    clock.advance(20_000);
    expect(await delivery.deliverDue()).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(await delivery.deliverDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect(poster.roots()).toHaveLength(1);
  });

  it('a permanent delivery error is recorded and not retried; what follows the root is given up with it', async () => {
    const { clock, run, poster, delivery, store } = fresh('2026-12-02T10:00:00Z');
    const { DeliveryError } = await import('../../src/monitor/contract.js');
    poster.failNext.push(new DeliveryError('channel_not_found', { permanent: true }));
    await run(ruleDisabled);
    clock.advance(5 * MIN);
    await run(ruleDisabled);
    clock.advance(5 * MIN);
    await run(healthy);
    expect(await delivery.deliverDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect(poster.posted).toEqual([]);
    const rows = store.outbox.all();
    expect(rows.map((r) => [r.kind, r.lastError])).toEqual([
      ['root', 'channel_not_found'],
      ['thread', 'its root message could not be posted'],
      ['update', 'its root message could not be posted'],
    ]);
  });

  it('rows for a console that is no longer open are given up, and the Slack channel still gets the alert', async () => {
    const clock = new TestClock('2026-12-02T10:00:00Z');
    const store = Store.open(':memory:', { now: clock.now });
    const { run, poster, delivery } = alertRig(store, clock, {
      channelsFor: () => [CHANNEL, { platform: 'console', conversationId: 'console' }],
    });
    await run(ruleDisabled);
    clock.advance(5 * MIN);
    await run(ruleDisabled);
    expect(poster.roots()).toHaveLength(1);
    expect(await delivery.deliverDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    const consoleRows = store.outbox.all().filter((r) => r.channel.platform === 'console');
    expect(consoleRows.map((r) => [r.kind, r.lastError])).toEqual([['root', 'the console it was meant for is closed']]);
    store.close();
  });

  it('a restart from the file while firing posts no second root and keeps the ack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailsetup-alerts-'));
    dirs.push(dir);
    const path = join(dir, 'mailsetup.db');
    const clock = new TestClock('2026-12-02T10:00:00Z');
    const before = Store.open(path, { now: clock.now });
    const first = alertRig(before, clock);
    await first.run(ruleDisabled);
    clock.advance(5 * MIN);
    await first.run(ruleDisabled);
    const [alert] = first.desk.list();
    first.desk.acknowledge(alert!.id, ANA, 'vendor changing IPs');
    before.close();

    const after = Store.open(path, { now: clock.now });
    const second = alertRig(after, clock);
    for (let i = 0; i < 10; i++) {
      clock.advance(HOUR);
      await second.run(ruleDisabled);
    }
    expect(first.poster.roots()).toHaveLength(1);
    // The ack's root update was written before the stop and goes out after the restart, once.
    expect(second.poster.roots()).toEqual([]);
    expect(second.poster.threads()).toEqual([]);
    expect(second.poster.updates()).toHaveLength(1);
    expect(second.poster.updates()[0]).toMatchObject({ ref: first.poster.roots()[0]!.ref });
    expect(second.poster.updates()[0]!.text).toContain('acknowledged by Ana: "vendor changing IPs"');
    expect(second.desk.list()).toEqual([expect.objectContaining({ id: alert!.id, state: 'acknowledged' })]);
    expect(after.audit.list({ tenant: 'contoso' })[0]).toMatchObject({
      event: 'alert-acknowledged',
      checkId: 'exchange-catchall-rule',
      actor: ANA,
      details: { alertId: alert!.id, reason: 'vendor changing IPs' },
    });
    after.close();
  });
});
