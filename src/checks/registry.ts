import { readFile } from 'node:fs/promises';
import type { CheckDefinition } from '../engine/check.js';
import { AREAS, type Area } from '../engine/result.js';
import { MailsetupError } from '../errors.js';
import { dnsChecks } from './dns/index.js';
import { entraChecks } from './entra/index.js';
import { erpChecks } from './erp/index.js';
import { exchangeChecks } from './exchange/index.js';
import { mailflowChecks } from './mailflow/index.js';

/** The whole catalogue in display order (DESIGN §3): an explicit list, no filesystem scanning. */
export const CATALOGUE: readonly CheckDefinition[] = [...exchangeChecks, ...entraChecks, ...dnsChecks, ...erpChecks, ...mailflowChecks];

export function findCheck(id: string, catalogue: readonly CheckDefinition[] = CATALOGUE): CheckDefinition | undefined {
  return catalogue.find((c) => c.meta.id === id);
}

/**
 * Resolves what a user typed after `check`: a check id, an area (`erp`), or an id prefix
 * (`exchange-catchall`). Throws a UsageError that names close matches.
 */
export function selectChecks(selector: string, catalogue: readonly CheckDefinition[] = CATALOGUE): CheckDefinition[] {
  const wanted = selector.trim().toLowerCase();
  if ((AREAS as readonly string[]).includes(wanted)) return catalogue.filter((c) => c.meta.area === (wanted as Area));
  const exact = findCheck(wanted, catalogue);
  if (exact) return [exact];
  const prefixed = catalogue.filter((c) => c.meta.id.startsWith(`${wanted}-`));
  if (prefixed.length > 0) return prefixed;
  throw new MailsetupError('UsageError', `There is no check or area called "${truncate(selector, 60)}".`, {
    hint: suggestion(wanted, catalogue),
  });
}

function suggestion(wanted: string, catalogue: readonly CheckDefinition[]): string {
  const close = catalogue
    .map((c) => c.meta.id)
    .filter((id) => id.includes(wanted) || wanted.includes(id.split('-')[1] ?? '\u0000'))
    .slice(0, 3);
  const areas = `Areas: ${AREAS.join(', ')}.`;
  return close.length > 0 ? `Did you mean ${close.join(', ')}? ${areas}` : `${areas} Try \`help\` for the list of checks.`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export interface ExplainText {
  title: string;
  markdown: string;
}

/** Reads the check's `.md` (what it is for, how to do it by hand, how to verify). */
export async function readExplain(check: CheckDefinition): Promise<ExplainText> {
  const markdown = await readFile(check.explainFile, 'utf8');
  return { title: check.meta.title, markdown };
}
