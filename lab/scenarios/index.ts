import { dnsScenarios } from './dns.js';
import { erpScenarios } from './erp.js';
import { mailScenarios } from './mail.js';
import { microsoftScenarios } from './microsoft.js';
import { defineScenario, type Scenario } from './types.js';

export const healthy = defineScenario({
  name: 'healthy',
  description: 'Everything set up as the integration guide says.',
  apply: () => {},
  expect: {},
});

export const SCENARIOS: readonly Scenario[] = [healthy, ...erpScenarios, ...microsoftScenarios, ...dnsScenarios, ...mailScenarios];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
