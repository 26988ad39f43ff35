import type { Scenario } from './types.js';

/** Scenarios of the microsoft area. */
export const microsoftScenarios: Scenario[] = [];
