import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import type { AdapterFactoryOptions } from '../options.js';
import { createErpClient } from './client.js';
import type { ErpPort } from './port.js';

/** The live ERP adapter of one tenant (JSON-RPC or JSON-2). */
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
    fetch: options.ca ? fetchTrusting(options.ca) : undefined,
  });
}

/**
 * Node's global fetch takes extra CAs only from NODE_EXTRA_CA_CERTS at start; an ERP behind an
 * internal CA (`services.caFile`) needs undici's fetch with its own agent. The system CAs still count.
 */
function fetchTrusting(ca: string): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, ca] } });
  const trusting = (input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher });
  return trusting as unknown as typeof fetch;
}
