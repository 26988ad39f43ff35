import type { CheckDefinition } from '../../engine/check.js';

/** The erp checks, in catalogue order. */
export const erpChecks: readonly CheckDefinition[] = [];
