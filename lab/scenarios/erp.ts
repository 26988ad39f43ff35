import type { Scenario } from './types.js';

/** Scenarios of the erp area. */
export const erpScenarios: Scenario[] = [];
