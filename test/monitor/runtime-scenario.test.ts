import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { Store } from '../../src/store/store.js';
import { runOnLab } from '../checks/mailflow/lab-run.js';
import { alertRig, TestClock, WATCHED } from './helpers.js';

describe('one lab changed at run time, watched run after run', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(() => lab.stop());

  it('break the rule: one root with the diff; restore it: the recovery in the thread and the root green', async () => {
    const clock = new TestClock('2026-12-02T09:55:00Z');
    const store = Store.open(':memory:', { now: clock.now });
    const { run, poster } = alertRig(store, clock);
    const cycle = async () => {
      const transitions = await run((await runOnLab(lab, WATCHED)).checks);
      clock.advance(5 * 60_000);
      return transitions;
    };
    expect(await cycle()).toEqual([]);
    lab.setScenario('catchall-rule-disabled');
    await cycle();
    expect((await cycle()).map((t) => `${t.checkId} ${t.from}→${t.to}`)).toEqual(['exchange-catchall-rule pending→firing']);
    await cycle();
    expect(poster.roots()).toHaveLength(1);
    expect(poster.roots()[0]!.text).toContain('The catch-all rule stopped working between 09:55 UTC and 10:00 UTC');
    expect(poster.roots()[0]!.text).toContain('`State` Enabled → Disabled');

    lab.setScenario('healthy');
    expect((await cycle()).map((t) => `${t.checkId} ${t.from}→${t.to}`)).toEqual(['exchange-catchall-rule firing→resolved']);
    expect(poster.threads()).toEqual([expect.objectContaining({ broadcast: true, ref: poster.roots()[0]!.ref })]);
    expect(poster.threads()[0]!.text).toContain('contoso: the catch-all rule works again (resolved after 15 min)');
    expect(poster.updates().at(-1)).toMatchObject({ ref: poster.roots()[0]!.ref, message: expect.objectContaining({ tone: 'ok' }) });
    expect(await cycle()).toEqual([]);
    expect(poster.roots()).toHaveLength(1);
  }, 30_000);
});
