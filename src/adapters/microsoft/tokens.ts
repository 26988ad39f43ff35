import { MailsetupError } from '../../errors.js';
import type { AdapterFactoryOptions } from '../options.js';

/** App-only tokens for one tenant, one per resource. (Placeholder until the Microsoft adapters land.) */
export interface TokenProvider {
  /** `graph` → Graph; `exchange` → Exchange Online (admin API and IMAP XOAUTH2). */
  getToken(resource: 'graph' | 'exchange', signal?: AbortSignal): Promise<string>;
}

export function createTokenProvider(_options: AdapterFactoryOptions): TokenProvider {
  return {
    getToken: async () => {
      throw new MailsetupError('AdapterUnavailable', 'Microsoft sign-in is not built yet.');
    },
  };
}
