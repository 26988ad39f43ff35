import type { AdapterFactoryOptions } from '../options.js';
import { createErpClient } from './client.js';
import type { ErpPort } from './port.js';

/**
 * The live ERP adapter of one tenant (JSON-RPC or JSON-2 over the global fetch).
 * `services.caFile` is not applied here: Node's global fetch takes extra CAs only from NODE_EXTRA_CA_CERTS.
 */
export function createErpAdapter(options: AdapterFactoryOptions): ErpPort {
  const erp = options.tenant.erp;
  return createErpClient({
    url: erp.url,
    database: erp.database,
    login: erp.login,
    password: erp.password,
    apiKey: erp.apiKey,
    timeoutMs: options.timeouts.fetchMs,
    logger: options.logger,
  });
}
