import type { CheckDefinition } from '../../engine/check.js';

/** The mailflow checks, in catalogue order. */
export const mailflowChecks: readonly CheckDefinition[] = [];
