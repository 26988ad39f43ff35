import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Fault } from '../../lab/faults.js';
import { type Lab, startLab } from '../../lab/index.js';
import { createAdapters } from '../../src/adapters/create.js';
import type { Adapters } from '../../src/adapters/index.js';
import { parseConfig } from '../../src/config/load.js';
import type { MailsetupConfig, TenantConfig } from '../../src/config/schema.js';
import { createCore } from '../../src/core.js';
import type { E2eOptions } from '../../src/e2e/types.js';
import { Store } from '../../src/store/store.js';

export interface LabRun {
  lab: Lab;
  config: MailsetupConfig;
  tenant: TenantConfig;
  adapters: Adapters;
  stop(): Promise<void>;
}

/** A lab in a scenario, and the live adapters the bot would build against it. */
export async function startLabRun(scenario = 'healthy', options: { faults?: Fault[]; fetchMs?: number } = {}): Promise<LabRun> {
  const lab = await startLab({ scenario, faults: options.faults ?? [] });
  const config = parseConfig(lab.config);
  if (options.fetchMs) config.timeouts.fetchMs = options.fetchMs;
  const tenant = config.tenants[0]!;
  const adapters = createAdapters(
    {
      tenant,
      services: config.services,
      timeouts: config.timeouts,
      ca: readFileSync(config.services.caFile!, 'utf8'),
      logger: pino({ level: 'silent' }),
    },
    Store.open(':memory:').e2eRuns(tenant.name),
  );
  return { lab, config, tenant, adapters, stop: () => lab.stop() };
}

export function coreFor(run: LabRun) {
  return createCore({ config: run.config, logger: pino({ level: 'silent' }), adapterFactory: () => run.adapters });
}

/** Short waits for the lab: mail arrives in milliseconds there. */
export const LAB_E2E: Partial<E2eOptions> = { deliveryTimeoutMs: 4_000 };
