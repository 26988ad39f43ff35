import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Lab } from '../../lab/index.js';
import { createAdapters } from '../../src/adapters/create.js';
import type { Adapters } from '../../src/adapters/index.js';
import { findPlanner } from '../../src/checks/fixes.js';
import { parseConfig } from '../../src/config/load.js';
import type { MailsetupConfig, TenantConfig } from '../../src/config/schema.js';
import type { FixOptions, PlanOutcome } from '../../src/engine/fix.js';
import { applyCall, fetchSnapshot } from '../../src/engine/fix-snapshot.js';
import { Store } from '../../src/store/store.js';

/** The bot's live adapters pointed at a running lab, as `fix` would build them. */
export function labBot(lab: Lab): { config: MailsetupConfig; tenant: TenantConfig; adapters: Adapters } {
  const config = parseConfig(lab.config, { env: {} });
  const tenant = config.tenants[0]!;
  const ca = config.services.caFile ? readFileSync(config.services.caFile, 'utf8') : undefined;
  const adapters = createAdapters(
    { tenant, services: config.services, timeouts: config.timeouts, ca, logger: pino({ level: 'silent' }) },
    Store.open(':memory:').e2eRuns(tenant.name),
  );
  return { config, tenant, adapters };
}

/** Plans the fix of one check against the lab's current state. */
export async function planOnLab(lab: Lab, checkId: string, options: FixOptions = {}): Promise<PlanOutcome> {
  const planner = findPlanner(checkId);
  if (!planner) throw new Error(`no planner for ${checkId}`);
  const { config, tenant, adapters } = labBot(lab);
  const now = new Date();
  const snapshot = await fetchSnapshot(planner.sources, { adapters, tenant, services: config.services, timeouts: config.timeouts, now });
  return planner.plan(snapshot, { tenant, services: config.services, now }, options);
}

/** Applies a plan's calls in order through the bot's adapters (over the wire, as an approved fix will). */
export async function applyOnLab(lab: Lab, outcome: PlanOutcome): Promise<void> {
  if ('refused' in outcome) throw new Error(`refused: ${outcome.refused}`);
  const { adapters } = labBot(lab);
  for (const call of outcome.calls) await applyCall(call, adapters);
}
