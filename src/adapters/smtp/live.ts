import type { AdapterFactoryOptions } from '../options.js';
import type { SmtpPort } from './port.js';

/** The live smtp adapter. (Placeholder until its issue lands.) */
export function createSmtpAdapter(_options: AdapterFactoryOptions): SmtpPort {
  return {};
}
