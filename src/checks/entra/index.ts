import type { CheckDefinition } from '../../engine/check.js';
import { entraDomainCheck } from './entra-domain.js';

/** The entra checks, in catalogue order. */
export const entraChecks: readonly CheckDefinition[] = [entraDomainCheck];
