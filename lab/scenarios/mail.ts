import type { Scenario } from './types.js';

/** Scenarios of the mail area. */
export const mailScenarios: Scenario[] = [];
