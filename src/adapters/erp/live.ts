import type { AdapterFactoryOptions } from '../options.js';
import type { ErpPort } from './port.js';

/** The live erp adapter. (Placeholder until its issue lands.) */
export function createErpAdapter(_options: AdapterFactoryOptions): ErpPort {
  return {};
}
