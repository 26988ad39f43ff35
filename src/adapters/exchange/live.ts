import type { TokenProvider } from '../microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../options.js';
import type { ExchangeAdminPort } from './port.js';

/** The live exchange adapter. (Placeholder until its issue lands.) */
export function createExchangeAdapter(_options: AdapterFactoryOptions, _tokens: TokenProvider): ExchangeAdminPort {
  return {};
}
