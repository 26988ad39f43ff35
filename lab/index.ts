import { startChatLab } from './chat/index.js';
import { startDnsLab } from './dns/index.js';
import { startErpLab } from './erp/index.js';
import type { Fault } from './faults.js';
import { startMailLab } from './mail/index.js';
import { startMicrosoftLab } from './microsoft/index.js';
import { SCENARIOS } from './scenarios/index.js';
import type { LabRawConfig, RunningLabService } from './service.js';
import type { LabState } from './state.js';
import { createLabTenants, type LabTenants, scenarioNamed, unknownTenantMessage } from './tenants.js';
import { labTls } from './tls.js';

export interface Lab {
  /** The scenario the lab started in (every tenant starts in it). */
  scenario: string;
  /** The first tenant's state (`contoso`). */
  state: LabState;
  /** Every tenant, routed to by the shared lab servers. */
  tenants: LabTenants;
  /** YAML-shaped config pointing at the lab (feed to `parseConfig`); one entry per tenant. */
  config: LabRawConfig;
  /** Requests the lab served, for counting outside calls. */
  requests: LabState['requests'];
  /** Adds a fault at run time (set `tenant` to scope it to one tenant). */
  inject(fault: Fault): void;
  /**
   * Switches a tenant (default: the first) to a scenario at run time: same ports, ids and secrets,
   * a fresh healthy state with the scenario applied (see `LabTenants.setScenario` for what is kept).
   * Throws the same sentence as `startLab` for an unknown scenario, and one naming the tenants for
   * an unknown tenant.
   */
  setScenario(name: string, tenant?: string): void;
  /** The scenario each tenant is in, in tenant order. */
  scenarios(): { tenant: string; scenario: string }[];
  stop(): Promise<void>;
}

export interface StartLabOptions {
  scenario?: string;
  faults?: Fault[];
  now?: number;
  /** How many tenants (default 1): `contoso`, then `tenant-002`, `tenant-003`… */
  tenants?: number;
}

/** Order matters: the mail lab registers hosts the ERP's Test Connection and fetch will use. */
const STARTERS = [startMicrosoftLab, startDnsLab, startMailLab, startErpLab, startChatLab];

/** The most tenants one lab holds (the scale bench needs 500; each ERP has its own 127.1.a.b). */
export const MAX_LAB_TENANTS = 2000;

/**
 * Starts the simulated tenants in a named scenario, on loopback only.
 * @example const lab = await startLab({ scenario: 'connector-ip-missing' }); … await lab.stop();
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const name = options.scenario ?? 'healthy';
  const count = options.tenants ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_LAB_TENANTS) {
    throw new Error(`The lab holds 1 to ${MAX_LAB_TENANTS} tenants; ${String(count)} is not a tenant count.`);
  }
  const tenants = createLabTenants({ count, scenario: name, now: options.now });
  const state = tenants.first;
  state.faults.push(...(options.faults ?? []));
  const tls = labTls();
  const config: LabRawConfig = {
    tenants: tenants.all.map(({ tenant: t }) => ({
      name: t.name,
      domain: t.domain,
      tenantId: t.tenantId,
      catchallMailbox: t.catchallMailbox,
      erpEgressIps: [...t.erpEgressIps],
      microsoft: { clientId: t.clientId, clientSecret: t.clientSecret },
      erp: {},
      imap: { auth: 'oauth' },
      // Lab mail arrives in milliseconds; a lost test mail should fail the e2e check fast.
      probe: { outsideSender: t.outsideSender, deliveryTimeoutSeconds: 5 },
    })),
    services: { caFile: tls.caFile, sourceAddress: state.tenant.botLoopback },
    timeouts: { fetchMs: 3000, runMs: 20_000 },
    store: { path: ':memory:' },
    // Any free port: several labs (and tests) run side by side.
    http: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
  };
  const running: RunningLabService[] = [];
  try {
    for (const start of STARTERS) running.push(await start(tenants, config));
  } catch (error) {
    await Promise.allSettled(running.map((s) => s.stop()));
    throw error;
  }
  return {
    scenario: name,
    state,
    tenants,
    config,
    requests: state.requests,
    inject: (fault) => state.faults.push(fault),
    setScenario: (scenarioName, tenant) => {
      const scenario = scenarioNamed(scenarioName);
      const target = tenant ?? state.tenant.name;
      if (!tenants.byName(target)) throw new Error(unknownTenantMessage(target, tenants.all));
      tenants.setScenario(scenario, target);
    },
    scenarios: () => tenants.all.map((s) => ({ tenant: s.tenant.name, scenario: tenants.scenarioOf(s.tenant.name) ?? name })),
    stop: async () => {
      await Promise.allSettled(running.reverse().map((s) => s.stop()));
    },
  };
}

export { SCENARIOS };
