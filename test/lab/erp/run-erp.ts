import pino from 'pino';
import type { Lab } from '../../../lab/index.js';
import { createErpAdapter } from '../../../src/adapters/erp/live.js';
import type { Adapters } from '../../../src/adapters/index.js';
import { erpChecks } from '../../../src/checks/erp/index.js';
import { parseConfig } from '../../../src/config/load.js';
import type { MailsetupConfig } from '../../../src/config/schema.js';
import type { Report } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';

/** The live ERP adapter of the lab's tenant (only the ERP port; ERP checks use nothing else). */
export function erpAdaptersFor(config: MailsetupConfig): Adapters {
  const tenant = config.tenants[0]!;
  const erp = createErpAdapter({ tenant, services: config.services, timeouts: config.timeouts, logger: pino({ level: 'silent' }) });
  return { erp } as unknown as Adapters;
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
