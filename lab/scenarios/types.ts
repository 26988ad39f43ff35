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
}

export function defineScenario(s: Scenario): Scenario {
  return s;
}
