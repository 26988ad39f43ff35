import type { CheckDefinition } from '../../engine/check.js';

/** The dns checks, in catalogue order. */
export const dnsChecks: readonly CheckDefinition[] = [];
