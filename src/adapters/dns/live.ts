import type { AdapterFactoryOptions } from '../options.js';
import type { DnsPort } from './port.js';

/** The live dns adapter. (Placeholder until its issue lands.) */
export function createDnsAdapter(_options: AdapterFactoryOptions): DnsPort {
  return {};
}
