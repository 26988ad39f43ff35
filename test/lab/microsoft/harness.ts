import { readFileSync } from 'node:fs';
import pino from 'pino';
import { type Lab, type StartLabOptions, startLab } from '../../../lab/index.js';
import { createExchangeAdapter } from '../../../src/adapters/exchange/live.js';
import { createGraphAdapter } from '../../../src/adapters/graph/live.js';
import type { Adapters } from '../../../src/adapters/index.js';
import type { ThrottlePolicy } from '../../../src/adapters/microsoft/throttle.js';
import { createTokenProvider, type TokenProvider } from '../../../src/adapters/microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../../../src/adapters/options.js';
import { entraChecks } from '../../../src/checks/entra/index.js';
import { exchangeChecks } from '../../../src/checks/exchange/index.js';
import { parseConfig } from '../../../src/config/load.js';
import type { MailsetupConfig } from '../../../src/config/schema.js';
import type { CheckDefinition } from '../../../src/engine/check.js';
import type { Report } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';

/** The checks of the Microsoft 365 side (exchange-* and entra-*). */
export const MICROSOFT_CHECKS: readonly CheckDefinition[] = [...exchangeChecks, ...entraChecks];

export interface MicrosoftHarness {
  lab: Lab;
  config: MailsetupConfig;
  options: AdapterFactoryOptions;
  tokens: TokenProvider;
  adapters: Adapters;
  /** Runs the exchange and entra checks end to end against the lab. */
  run(checks?: readonly CheckDefinition[]): Promise<Report>;
  stop(): Promise<void>;
}

/** A config for the lab with `tenant` overrides applied to the raw (YAML-shaped) tenant. */
export function labConfig(
  lab: Lab,
  tenant: Record<string, unknown> = {},
  timeouts: Record<string, unknown> = {},
  services: Record<string, unknown> = {},
): MailsetupConfig {
  const raw = structuredClone(lab.config);
  raw.services = { ...(raw.services as Record<string, unknown>), ...services };
  const first = raw.tenants[0] as Record<string, unknown>;
  raw.tenants[0] = { ...first, ...tenant };
  raw.timeouts = { ...(raw.timeouts as Record<string, unknown>), ...timeouts };
  return parseConfig(raw);
}

/** What the live adapter factories get, for a parsed lab config (first tenant). */
export function adapterOptions(config: MailsetupConfig): AdapterFactoryOptions {
  return {
    tenant: config.tenants[0]!,
    services: config.services,
    timeouts: config.timeouts,
    ca: readFileSync(config.services.caFile!, 'utf8'),
    logger: pino({ level: 'silent' }),
  };
}

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not part of the Microsoft harness')) });

export async function startMicrosoftHarness(
  options: StartLabOptions & {
    tenant?: Record<string, unknown>;
    timeouts?: Record<string, unknown>;
    services?: Record<string, unknown>;
    /** Leave the lab's CA out of the bot's trust (certificate checks stay on). */
    untrustedCa?: boolean;
    policy?: ThrottlePolicy;
  } = {},
): Promise<MicrosoftHarness> {
  const lab = await startLab(options);
  try {
    const config = labConfig(lab, options.tenant, options.timeouts, options.services);
    const factory = { ...adapterOptions(config), ...(options.untrustedCa ? { ca: undefined } : {}) };
    const tenant = factory.tenant;
    const tokens = createTokenProvider(factory);
    const adapters = {
      erp: unused,
      dns: unused,
      imap: unused,
      smtp: unused,
      graph: createGraphAdapter(factory, tokens, options.policy),
      exchange: createExchangeAdapter(factory, tokens, options.policy),
    } as unknown as Adapters;
    return {
      lab,
      config,
      options: factory,
      tokens,
      adapters,
      run: (checks = MICROSOFT_CHECKS) =>
        runChecks({ checks, catalogue: MICROSOFT_CHECKS, adapters, tenant, services: config.services, timeouts: config.timeouts }),
      stop: () => lab.stop(),
    };
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

/** `{ checkId: status }` of a report. */
export function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}
