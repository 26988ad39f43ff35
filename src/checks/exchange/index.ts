import type { CheckDefinition } from '../../engine/check.js';

/** The exchange checks, in catalogue order. */
export const exchangeChecks: readonly CheckDefinition[] = [];
