import type { TokenProvider } from '../microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../options.js';
import type { ImapPort } from './port.js';

/** The live imap adapter. (Placeholder until its issue lands.) */
export function createImapAdapter(_options: AdapterFactoryOptions, _tokens: TokenProvider): ImapPort {
  return {};
}
