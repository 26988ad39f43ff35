import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Lab } from '../../../lab/index.js';
import { createAdapters } from '../../../src/adapters/create.js';
import type { Adapters } from '../../../src/adapters/index.js';
import { erpChecks } from '../../../src/checks/erp/index.js';
import { parseConfig } from '../../../src/config/load.js';
import type { MailsetupConfig } from '../../../src/config/schema.js';
import type { Report } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';
import { Store } from '../../../src/store/store.js';

/**
 * The live adapters of the lab's tenant. The ERP checks read the ERP, and erp-envelope-sender also
 * the tenant's accepted domains from Exchange Online.
 */
export function erpAdaptersFor(config: MailsetupConfig): Adapters {
  const tenant = config.tenants[0]!;
  const ca = config.services.caFile ? readFileSync(config.services.caFile, 'utf8') : undefined;
  return createAdapters(
    { tenant, services: config.services, timeouts: config.timeouts, ca, logger: pino({ level: 'silent' }) },
    Store.open(':memory:').e2eRuns(tenant.name),
  );
}

/** Runs the ERP checks against a running lab, as the bot would. */
export async function runErpChecks(lab: Lab): Promise<Report> {
  const config = parseConfig(lab.config, { env: {} });
  const tenant = config.tenants[0]!;
  return runChecks({
    checks: erpChecks,
    catalogue: erpChecks,
    adapters: erpAdaptersFor(config),
    tenant,
    services: config.services,
    timeouts: config.timeouts,
  });
}

export function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}
