import { describe, expect, it } from 'vitest';
import { isFlapping, stateChangePercent } from '../../src/monitor/flapping.js';
import { DEFAULT_POLICY, step } from '../../src/monitor/policy.js';

const F = true;
const P = false;

describe('flapping (Nagios-style weighted state changes)', () => {
  it('one incident in 20 runs is not flapping; fail/pass by turns is', () => {
    const incident = [P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, F, F, P, P];
    expect(Math.round(stateChangePercent(incident))).toBe(12);
    expect(isFlapping(incident, false)).toBe(false);
    const turns = [F, P, F, P, F, P, F, P];
    expect(stateChangePercent(turns)).toBeCloseTo(100);
    expect(isFlapping(turns, false)).toBe(true);
  });

  it('needs 6 results before calling anything flapping, and stops only below 20 % (hysteresis)', () => {
    expect(isFlapping([F, P, F, P, F], false)).toBe(false);
    const settling = [F, P, F, P, F, P, P, P, P, P, P, P, P, P, P];
    const percent = stateChangePercent(settling);
    expect(percent).toBeGreaterThanOrEqual(20);
    expect(percent).toBeLessThan(40);
    expect(isFlapping(settling, true)).toBe(true);
    expect(isFlapping(settling, false)).toBe(false);
  });
});

describe('the alert state machine', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  const pending = { state: 'pending' as const, fails: 0, passes: 0, flapping: false };

  it('pending → firing after failuresToOpen failing runs, with one root', () => {
    const one = step(pending, { failing: true, flapping: false, now }, DEFAULT_POLICY);
    expect(one).toEqual({ next: { ...pending, fails: 1 }, effects: [] });
    const two = step(one.next, { failing: true, flapping: false, now }, DEFAULT_POLICY);
    expect(two).toEqual({ next: { state: 'firing', fails: 2, passes: 0, flapping: false, notifiedAt: now }, effects: ['root'] });
  });

  it('a pending alert that passes is dropped without a word; a firing one resolves with a recovery', () => {
    expect(step({ ...pending, fails: 1 }, { failing: false, flapping: false, now }, DEFAULT_POLICY)).toEqual({
      next: { state: 'resolved', fails: 0, passes: 1, flapping: false },
      effects: [],
    });
    const firing = { state: 'firing' as const, fails: 3, passes: 0, flapping: false, notifiedAt: now };
    expect(step(firing, { failing: false, flapping: false, now }, DEFAULT_POLICY).effects).toEqual(['recovery', 'update']);
    expect(step(firing, { failing: false, flapping: false, now }, { ...DEFAULT_POLICY, passesToResolve: 2 }).next.state).toBe('firing');
  });

  it('a flapping alert is held open, and its root says so once', () => {
    const firing = { state: 'firing' as const, fails: 1, passes: 0, flapping: false, notifiedAt: now };
    const held = step(firing, { failing: false, flapping: true, now }, DEFAULT_POLICY);
    expect(held).toEqual({ next: { ...firing, fails: 0, passes: 1, flapping: true }, effects: ['update'] });
    expect(step(held.next, { failing: true, flapping: true, now }, DEFAULT_POLICY).effects).toEqual([]);
  });

  it('reminders only while firing: an acknowledged or snoozed alert gets none', () => {
    const later = now + 4 * 60 * 60_000;
    const firing = { state: 'firing' as const, fails: 5, passes: 0, flapping: false, notifiedAt: now };
    expect(step(firing, { failing: true, flapping: false, now: later }, DEFAULT_POLICY).effects).toEqual(['follow-up']);
    for (const state of ['acknowledged', 'snoozed'] as const) {
      expect(step({ ...firing, state }, { failing: true, flapping: false, now: later }, DEFAULT_POLICY).effects).toEqual([]);
    }
  });
});
