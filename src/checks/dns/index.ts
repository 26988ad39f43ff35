import type { CheckDefinition } from '../../engine/check.js';
import { dnsDkimCheck } from './dns-dkim.js';
import { dnsDmarcCheck } from './dns-dmarc.js';
import { dnsMxCheck } from './dns-mx.js';
import { dnsSpfCheck } from './dns-spf.js';

/** The dns checks, in catalogue order. */
export const dnsChecks: readonly CheckDefinition[] = [dnsMxCheck, dnsSpfCheck, dnsDmarcCheck, dnsDkimCheck];
