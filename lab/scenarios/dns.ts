import type { Scenario } from './types.js';

/** Scenarios of the dns area. */
export const dnsScenarios: Scenario[] = [];
