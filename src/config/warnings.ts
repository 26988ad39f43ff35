import type { MailsetupConfig } from './schema.js';
import { Secret, UNSCRUBBED_LENGTH } from './secret.js';

/**
 * Things in a valid config worth a line in the log: a secret so short that scrubbing it from text
 * would mangle ordinary words, so it is not scrubbed. Names the key, never the value.
 */
export function configWarnings(config: MailsetupConfig): string[] {
  const out: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (value instanceof Secret) {
      if (value.reveal().length < UNSCRUBBED_LENGTH) {
        out.push(`${path} is shorter than ${UNSCRUBBED_LENGTH} characters: it is used, but not scrubbed from logs and replies`);
      }
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, `${path}[${i}]`);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    }
  };
  visit(config, '');
  return out;
}
