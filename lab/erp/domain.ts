import { valueError } from './odoo-error.js';

/**
 * Odoo's domain language, as much as the bot sends: `[field, op, value]` leaves with = != in not in
 * like ilike not ilike =ilike > >= < <=, prefix `&` `|` `!`, and the implicit `&` between leaves.
 * `get(field)` returns the stored value (a many2one as its id).
 */
export type FieldGetter = (field: string) => unknown;

export function matchDomain(domain: unknown, get: FieldGetter, knownField: (field: string) => boolean): boolean {
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
  if (domain.length === 0) return true;
  // Evaluate the Polish notation right to left with a stack, adding the implicit `&`s.
  const stack: boolean[] = [];
  for (let i = domain.length - 1; i >= 0; i--) {
    const term = domain[i];
    if (term === '&' || term === '|') {
      const a = stack.pop();
      const b = stack.pop();
      if (a === undefined || b === undefined) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
      stack.push(term === '&' ? a && b : a || b);
    } else if (term === '!') {
      const a = stack.pop();
      if (a === undefined) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
      stack.push(!a);
    } else {
      stack.push(matchLeaf(term, get, knownField));
    }
  }
  return stack.every(Boolean);
}

function matchLeaf(term: unknown, get: FieldGetter, knownField: (field: string) => boolean): boolean {
  if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string' || typeof term[1] !== 'string') {
    throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
  }
  const [field, op, value] = term as [string, string, unknown];
  if (field !== 'id' && !knownField(field)) throw valueError(`Invalid field ${JSON.stringify(field)} in leaf ${JSON.stringify(term)}`);
  const actual = normalise(get(field));
  const wanted = normalise(value);
  switch (op) {
    case '=':
    case '==':
      return actual === wanted;
    case '!=':
    case '<>':
      return actual !== wanted;
    case 'in':
      return toList(value).some((v) => normalise(v) === actual);
    case 'not in':
      return !toList(value).some((v) => normalise(v) === actual);
    case 'like':
      return typeof actual === 'string' && actual.includes(String(value));
    case 'ilike':
      return typeof actual === 'string' && actual.toLowerCase().includes(String(value).toLowerCase());
    case 'not ilike':
      return !(typeof actual === 'string' && actual.toLowerCase().includes(String(value).toLowerCase()));
    case '=ilike':
      return typeof actual === 'string' && actual.toLowerCase() === String(value).toLowerCase();
    case '>':
      return compare(actual, wanted) > 0;
    case '>=':
      return compare(actual, wanted) >= 0;
    case '<':
      return compare(actual, wanted) < 0;
    case '<=':
      return compare(actual, wanted) <= 0;
    default:
      throw valueError(`Invalid operator ${JSON.stringify(op)} in leaf ${JSON.stringify(term)}`);
  }
}

/** Odoo treats `false` and an empty value alike in comparisons. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number') return value[0];
  return value;
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function compare(a: unknown, b: unknown): number {
  if (a === false || b === false) return Number.NaN;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
