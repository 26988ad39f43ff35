import { startChatLab } from './chat/index.js';
import { startDnsLab } from './dns/index.js';
import { startErpLab } from './erp/index.js';
import type { Fault } from './faults.js';
import { startMailLab } from './mail/index.js';
import { startMicrosoftLab } from './microsoft/index.js';
import { findScenario, SCENARIOS } from './scenarios/index.js';
import type { LabRawConfig, RunningLabService } from './service.js';
import { healthyState, type LabState } from './state.js';
import { labTls } from './tls.js';

export interface Lab {
  scenario: string;
  state: LabState;
  /** YAML-shaped config pointing at the lab (feed to `parseConfig`). */
  config: LabRawConfig;
  /** Requests the lab served, for counting outside calls. */
  requests: LabState['requests'];
  /** Adds a fault at run time. */
  inject(fault: Fault): void;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  scenario?: string;
  faults?: Fault[];
  now?: number;
}

/** Order matters: the mail lab registers hosts the ERP's Test Connection and fetch will use. */
const STARTERS = [startMicrosoftLab, startDnsLab, startMailLab, startErpLab, startChatLab];

/**
 * Starts the simulated tenant in a named scenario, on loopback only.
 * @example const lab = await startLab({ scenario: 'connector-ip-missing' }); … await lab.stop();
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const name = options.scenario ?? 'healthy';
  const scenario = findScenario(name);
  if (!scenario) {
    throw new Error(`There is no lab scenario called "${name}". Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}.`);
  }
  const state = healthyState(options.now);
  scenario.apply(state);
  state.faults.push(...(options.faults ?? []));
  const tls = labTls();
  const t = state.tenant;
  const config: LabRawConfig = {
    tenants: [
      {
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
      },
    ],
    services: { caFile: tls.caFile, sourceAddress: t.botLoopback },
    timeouts: { fetchMs: 3000, runMs: 20_000 },
    store: { path: ':memory:' },
    // Any free port: several labs (and tests) run side by side.
    http: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
  };
  const running: RunningLabService[] = [];
  try {
    for (const start of STARTERS) running.push(await start(state, config));
  } catch (error) {
    await Promise.allSettled(running.map((s) => s.stop()));
    throw error;
  }
  return {
    scenario: name,
    state,
    config,
    requests: state.requests,
    inject: (fault) => state.faults.push(fault),
    stop: async () => {
      await Promise.allSettled(running.reverse().map((s) => s.stop()));
    },
  };
}

export { SCENARIOS };
