import { startErpLab } from '../../../lab/erp/index.js';
import type { ErpMailOps } from '../../../lab/erp/mail-ops.js';
import { setErpVersion } from '../../../lab/erp/state.js';
import type { LabRawConfig } from '../../../lab/service.js';
import { healthyState, type LabState } from '../../../lab/state.js';
import { createErpClient } from '../../../src/adapters/erp/client.js';
import type { ErpPort } from '../../../src/adapters/erp/port.js';
import { parseConfig } from '../../../src/config/load.js';

export interface ErpLab {
  state: LabState;
  url: string;
  client: ErpPort;
  /** A fresh adapter on the same lab (its own login cache). */
  newClient(timeoutMs?: number): ErpPort;
  /** ERP requests served, by key. */
  keys(): string[];
  stop(): Promise<void>;
}

/** Only the lab ERP (no other services), on a given version, with an adapter from its config. */
export async function startErpOnly(
  options: { version?: number; mailOps?: ErpMailOps; timeoutMs?: number; change?: (state: LabState) => void } = {},
): Promise<ErpLab> {
  const state = healthyState();
  if (options.version && options.version !== 16) setErpVersion(state.erp, options.version);
  if (options.mailOps) state.mailOps = options.mailOps;
  options.change?.(state);
  const t = state.tenant;
  const config: LabRawConfig = {
    tenants: [
      { name: t.name, domain: t.domain, tenantId: t.tenantId, catchallMailbox: t.catchallMailbox, erpEgressIps: t.erpEgressIps, erp: {} },
    ],
    services: {},
  };
  const running = await startErpLab(state, config);
  const erp = parseConfig(config, { env: {} }).tenants[0]!.erp;
  const newClient = (timeoutMs = options.timeoutMs ?? 2000) =>
    createErpClient({ url: erp.url, database: erp.database, login: erp.login, password: erp.password, apiKey: erp.apiKey, timeoutMs });
  return {
    state,
    url: erp.url,
    client: newClient(),
    newClient,
    keys: () => state.requests.filter((r) => r.service === 'erp').map((r) => r.key),
    stop: () => running.stop(),
  };
}
