import type { AlertState } from './contract.js';

/**
 * The alert state machine, as pure functions (DESIGN §6, issue 11). One step per run that says
 * something about the alert's key ("evidence"); runs that say nothing (the check did not run, was
 * skipped — a dependency failed, not configured, not applicable — or erred while the alert is a
 * `fail`) do not move it.
 *
 *   ok ─fail→ pending ─(failuresToOpen consecutive)→ firing ─ack→ acknowledged
 *                │                                     └─snooze→ snoozed ─(expiry)→ firing
 *                └─pass→ ok (never posted)        any open ─(passesToResolve consecutive, not flapping)→ resolved
 *
 * `warn` counts as passing: the setup works, with a remark. A flapping key (see flapping.ts) is held
 * open instead of resolving and re-opening, and a pending alert that flaps fires at once: a check
 * that fails every other run is broken too, and gets one root message.
 */
export interface PolicySettings {
  failuresToOpen: number;
  passesToResolve: number;
  /** A thread follow-up while firing and not acknowledged; 0 = none. */
  followUpAfterMs: number;
}

export const DEFAULT_POLICY: PolicySettings = { failuresToOpen: 2, passesToResolve: 1, followUpAfterMs: 4 * 60 * 60_000 };

export interface PolicyState {
  state: AlertState;
  fails: number;
  passes: number;
  flapping: boolean;
  /** Epoch ms the channel was last told about this alert. */
  notifiedAt?: number;
}

/** What the store must send after a step. */
export type Effect = 'root' | 'update' | 'recovery' | 'follow-up';

export interface Step {
  next: PolicyState;
  effects: Effect[];
}

/** One run with evidence about the key: failing or not, and whether the key is flapping now. */
export function step(current: PolicyState, evidence: { failing: boolean; flapping: boolean; now: number }, settings: PolicySettings): Step {
  const { failing, flapping, now } = evidence;
  const next: PolicyState = {
    ...current,
    fails: failing ? current.fails + 1 : 0,
    passes: failing ? 0 : current.passes + 1,
    flapping,
  };
  const flapChanged = flapping !== current.flapping;
  if (current.state === 'resolved') return { next: current, effects: [] };
  if (current.state === 'pending') {
    if (!failing) return { next: { ...next, state: 'resolved' }, effects: [] };
    if (next.fails >= settings.failuresToOpen || flapping)
      return { next: { ...next, state: 'firing', notifiedAt: now }, effects: ['root'] };
    return { next, effects: [] };
  }
  // firing, acknowledged, snoozed
  if (!failing) {
    if (next.passes >= settings.passesToResolve && !flapping)
      return { next: { ...next, state: 'resolved' }, effects: ['recovery', 'update'] };
    return { next, effects: flapChanged ? ['update'] : [] };
  }
  const effects: Effect[] = flapChanged ? ['update'] : [];
  if (
    current.state === 'firing' &&
    settings.followUpAfterMs > 0 &&
    current.notifiedAt !== undefined &&
    now - current.notifiedAt >= settings.followUpAfterMs
  ) {
    effects.push('follow-up');
    return { next: { ...next, notifiedAt: now }, effects };
  }
  return { next, effects };
}
