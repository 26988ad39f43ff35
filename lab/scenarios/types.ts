import type { CheckStatus } from '../../src/engine/result.js';
import type { LabState } from '../state.js';

/**
 * A named tenant state: a small declarative change of the healthy state. `expect` lists the checks
 * that do not pass in this state (every other check must pass); the matrix test holds the lab to it.
 */
export interface Scenario {
  name: string;
  description: string;
  apply(state: LabState): void;
  expect: Record<string, CheckStatus>;
  /**
   * What `test-email` finds in this state, when it does not pass: the verdict, the hop that stops it
   * and the check its cause points at (`status` sends no mail, so `expect` never lists mailflow-e2e).
   */
  testEmail?: { verdict: 'fail' | 'error'; hop: string; cause?: string };
}

export function defineScenario(s: Scenario): Scenario {
  return s;
}
