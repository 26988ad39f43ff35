import type { E2eRunLog } from '../e2e/run-log.js';
import { createDnsAdapter } from './dns/live.js';
import { createErpAdapter } from './erp/live.js';
import { createExchangeAdapter } from './exchange/live.js';
import { createGraphAdapter } from './graph/live.js';
import { createImapAdapter } from './imap/live.js';
import type { Adapters } from './index.js';
import { createTokenProvider } from './microsoft/tokens.js';
import type { AdapterFactoryOptions } from './options.js';
import { createSmtpAdapter } from './smtp/live.js';

/** The live adapters of one tenant, with its record of end-to-end runs. Called by the composition root only. */
export function createAdapters(options: AdapterFactoryOptions, e2eRuns: E2eRunLog): Adapters {
  const tokens = createTokenProvider(options);
  const dns = createDnsAdapter(options);
  return {
    erp: createErpAdapter(options),
    exchange: createExchangeAdapter(options, tokens),
    graph: createGraphAdapter(options, tokens),
    dns,
    imap: createImapAdapter(options, tokens),
    smtp: createSmtpAdapter(options, dns),
    e2eRuns,
  };
}
