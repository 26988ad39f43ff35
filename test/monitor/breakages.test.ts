import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { alertRig, labResults, labResultsWithE2e, TestClock } from './helpers.js';

const MIN = 60_000;

/** A passing run at 09:55, then two failing runs: what the channel sees. */
async function breakage(scenario: string, options: { e2e?: boolean } = {}) {
  const healthy = await labResults('healthy');
  const broken = options.e2e ? await labResultsWithE2e(scenario) : await labResults(scenario);
  const clock = new TestClock('2026-12-02T09:55:00Z');
  const store = Store.open(':memory:', { now: clock.now });
  const rig = alertRig(store, clock);
  const transitions = [...(await rig.run(healthy))];
  for (let i = 0; i < 3; i++) {
    clock.advance(5 * MIN);
    transitions.push(...(await rig.run(broken)));
  }
  const firing = transitions.filter((t) => t.to === 'firing');
  return { ...rig, clock, store, transitions, firing };
}

describe('the three named breakages, each one alert with what changed', () => {
  it('catch-all rule in Audit mode', async () => {
    const { poster, firing } = await breakage('catchall-rule-audit-mode');
    expect(firing).toEqual([expect.objectContaining({ checkId: 'exchange-catchall-rule', kind: 'fail', from: 'pending', cycle: 3 })]);
    expect(poster.roots()).toHaveLength(1);
    expect(poster.roots()[0]!.text).toContain('`Mode` Enforce → Audit');
    expect(poster.roots()[0]!.text).toContain('mail to unknown addresses at contoso.test now bounces and never reaches the ERP');
  });

  it('catch-all rule redirecting to the wrong mailbox', async () => {
    const { poster } = await breakage('catchall-rule-wrong-target');
    expect(poster.roots()).toHaveLength(1);
    const text = poster.roots()[0]!.text;
    expect(text).toContain('`RedirectMessageTo` lost ERP Notification, gained Alice Admin');
    expect(text).toContain('`recipients` lost ERP Notification, gained Alice Admin');
    expect(text).toContain('RedirectMessageTo is Alice Admin (alice@contoso.test) (expected erp@contoso.test)');
  });

  it("connector lost the ERP's IP: one alert; the ERP's failing Test Connection (5.7.64) joins its thread", async () => {
    const { poster, firing, transitions } = await breakage('connector-ip-missing');
    expect(firing).toEqual([expect.objectContaining({ checkId: 'exchange-connector-ips' })]);
    expect(transitions.map((t) => t.checkId)).not.toContain('erp-outgoing-test');
    expect(poster.roots()).toHaveLength(1);
    const root = poster.roots()[0]!;
    expect(root.text).toContain("contoso: the connector's IP addresses stopped working");
    expect(root.text).toContain('`connectors[Twenty20 ERP relay].SenderIPAddresses` lost 203.0.113.10, gained 203.0.113.99');
    expect(root.text).toContain('Also failing because of this: `erp-outgoing-test`');
    expect(poster.threads()).toHaveLength(1);
    expect(poster.threads()[0]).toMatchObject({ ref: root.ref, broadcast: false });
    expect(poster.threads()[0]!.text).toContain('Also failing because of this: `erp-outgoing-test` (Exchange Online (connector))');
    expect(poster.threads()[0]!.text).toContain('550 5.7.64');
  });

  it('fetchmail stuck: unread mail waiting in the catch-all mailbox', async () => {
    const { poster, firing } = await breakage('fetchmail-stuck');
    expect(firing).toEqual([expect.objectContaining({ checkId: 'mailflow-fetchmail-backlog' })]);
    const text = poster.roots()[0]!.text;
    expect(text).toContain("contoso: the ERP's fetchmail stopped working");
    expect(text).toContain('`unseen` 0 → 2');
    expect(text).toContain('`oldestUnseenAgeMinutes` (none) → 35');
    expect(text).toContain('mail waits unread in the catch-all mailbox and the ERP creates no leads or tickets from it');
  });

  it("catch-all rule disabled with a real test mail: the failing end-to-end check joins the rule's alert", async () => {
    const { poster, firing, transitions } = await breakage('catchall-rule-disabled', { e2e: true });
    expect(firing).toEqual([expect.objectContaining({ checkId: 'exchange-catchall-rule' })]);
    expect(transitions.map((t) => t.checkId)).not.toContain('mailflow-e2e');
    expect(poster.roots()).toHaveLength(1);
    expect(poster.roots()[0]!.text).toContain('`State` Enabled → Disabled');
    expect(poster.threads().map((t) => t.text.split('\n')[0])).toEqual([
      'Also failing because of this: `mailflow-e2e` (sales@contoso.test).',
    ]);
  }, 30_000);
});

describe('errors: the bot cannot check', () => {
  it('the ERP down is one "cannot check the ERP" alert, not one per ERP check', async () => {
    const { poster, firing, desk } = await breakage('erp-down');
    expect(firing).toEqual([expect.objectContaining({ kind: 'error', checkId: 'erp-reachable' })]);
    expect(desk.list()).toHaveLength(1);
    expect(poster.roots()).toHaveLength(1);
    expect(poster.roots()[0]!.text.split('\n')[0]).toBe('contoso: cannot check the ERP (connection refused)');
    expect(poster.roots()[0]!.message.tone).toBe('error');
  });

  it('Exchange Online refusing the app is one alert for every Exchange check it stopped', async () => {
    const { poster, desk } = await breakage('exo-forbidden');
    expect(desk.list()).toHaveLength(1);
    expect(poster.roots()).toHaveLength(1);
    const text = poster.roots()[0]!.text;
    expect(text.split('\n')[0]).toBe('contoso: cannot check Exchange Online (permission refused)');
    expect(text).toContain(
      '5 checks could not run because of this (`exchange-connector`, `exchange-catchall-mailbox`, `exchange-catchall-rule`',
    );
    expect(poster.roots()[0]!.message.blocks).toContainEqual(
      expect.objectContaining({ type: 'alert-actions', actions: ['acknowledge', 'snooze', 'run'] }),
    );
  });

  it('when more checks fail for the same cause, the posted root is rewritten with the new count', async () => {
    const forbidden = await labResults('exo-forbidden');
    const errored = forbidden.filter((r) => r.status === 'error').map((r) => r.id);
    expect(errored).toHaveLength(5);
    // The first runs see two of the five stopped (the others skipped, as on a run cut short).
    const partial = forbidden.map((r) =>
      r.status === 'error' && !errored.slice(0, 2).includes(r.id) ? { ...r, status: 'skip' as const } : r,
    );
    const clock = new TestClock('2026-12-02T09:55:00Z');
    const store = Store.open(':memory:', { now: clock.now });
    const { run, poster } = alertRig(store, clock);
    await run(await labResults('healthy'));
    for (let i = 0; i < 2; i++) {
      clock.advance(5 * MIN);
      await run(partial);
    }
    expect(poster.roots()[0]?.text).toContain('2 checks could not run because of this');
    clock.advance(5 * MIN);
    await run(forbidden);
    expect(poster.roots()).toHaveLength(1);
    expect(poster.updates().at(-1)?.text).toContain('5 checks could not run because of this');
    clock.advance(5 * MIN);
    await run(forbidden);
    expect(poster.updates()).toHaveLength(1);
  });

  it('an error alert resolves once its checks can run again, and a fail on the way is its own alert', async () => {
    const { clock, run, poster, desk } = await breakage('erp-down');
    clock.advance(5 * MIN);
    const transitions = await run(await labResults('erp-bad-credentials'));
    expect(transitions).toHaveLength(2);
    expect(transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'fail', checkId: 'erp-reachable', from: 'ok', to: 'pending' }),
        expect.objectContaining({ kind: 'error', checkId: 'erp-reachable', from: 'firing', to: 'resolved' }),
      ]),
    );
    expect(poster.threads().at(-1)?.text).toContain('contoso: the bot can check again');
    expect(desk.list().map((a) => a.kind)).toEqual(['fail']);
  });
});
