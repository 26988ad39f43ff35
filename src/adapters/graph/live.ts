import type { TokenProvider } from '../microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../options.js';
import type { GraphPort } from './port.js';

/** The live graph adapter. (Placeholder until its issue lands.) */
export function createGraphAdapter(_options: AdapterFactoryOptions, _tokens: TokenProvider): GraphPort {
  return {};
}
