import type { CheckDefinition } from '../../engine/check.js';

/** The entra checks, in catalogue order. */
export const entraChecks: readonly CheckDefinition[] = [];
