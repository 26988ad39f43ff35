import type { E2eRunLog } from '../e2e/run-log.js';
import type { DnsPort } from './dns/port.js';
import type { ErpPort } from './erp/port.js';
import type { ExchangeAdminPort } from './exchange/port.js';
import type { GraphPort } from './graph/port.js';
import type { ImapPort } from './imap/port.js';
import type { SmtpPort } from './smtp/port.js';

/**
 * The ports one tenant's checks and commands use. Built by `createAdapters` (live) or by a test with
 * fakes; passed in through constructors, never imported as singletons.
 */
export interface Adapters {
  erp: ErpPort;
  exchange: ExchangeAdminPort;
  graph: GraphPort;
  dns: DnsPort;
  imap: ImapPort;
  smtp: SmtpPort;
  /** The bot's record of this tenant's end-to-end runs (the store), shared by every process on it. */
  e2eRuns: E2eRunLog;
}
