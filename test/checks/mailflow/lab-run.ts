import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Lab } from '../../../lab/index.js';
import { createAdapters } from '../../../src/adapters/create.js';
import { erpIncomingTestCheck } from '../../../src/checks/erp/erp-incoming-test.js';
import { erpOutgoingTestCheck } from '../../../src/checks/erp/erp-outgoing-test.js';
import { CATALOGUE } from '../../../src/checks/registry.js';
import { parseConfig } from '../../../src/config/load.js';
import type { CheckDefinition } from '../../../src/engine/check.js';
import type { CheckResult, Report } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';
import { Store } from '../../../src/store/store.js';

/** The catalogue, with the ERP test checks even before they are registered in their area. */
export const catalogue: readonly CheckDefinition[] = [
  ...CATALOGUE,
  ...[erpOutgoingTestCheck, erpIncomingTestCheck].filter((c) => !CATALOGUE.some((k) => k.meta.id === c.meta.id)),
];

/** Runs checks (and their dependencies) against a running lab with the live adapters, as the bot does. */
export async function runOnLab(lab: Lab, ids: readonly string[], overrides: { fetchMs?: number } = {}): Promise<Report> {
  const config = parseConfig(lab.config, { env: {} });
  const tenant = config.tenants[0]!;
  const timeouts = { ...config.timeouts, ...(overrides.fetchMs ? { fetchMs: overrides.fetchMs } : {}) };
  const ca = config.services.caFile ? readFileSync(config.services.caFile, 'utf8') : undefined;
  const adapters = createAdapters(
    { tenant, services: config.services, timeouts, ca, logger: pino({ level: 'silent' }) },
    Store.open(':memory:').e2eRuns(tenant.name),
  );
  const checks = ids.map((id) => {
    const found = catalogue.find((c) => c.meta.id === id);
    if (!found) throw new Error(`no check ${id}`);
    return found;
  });
  return runChecks({ checks, catalogue, adapters, tenant, services: config.services, timeouts });
}

export function result(report: Report, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
}
