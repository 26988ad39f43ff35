import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createAdapters } from './adapters/create.js';
import type { Adapters } from './adapters/index.js';
import { CATALOGUE } from './checks/registry.js';
import type { Core } from './commands/context.js';
import type { MailsetupConfig, TenantConfig } from './config/schema.js';
import type { CheckDefinition } from './engine/check.js';
import type { Report } from './engine/result.js';
import { MailsetupError } from './errors.js';
import { Store } from './store/store.js';

export interface CoreOptions {
  config: MailsetupConfig;
  logger: Logger;
  catalogue?: readonly CheckDefinition[];
  /** For tests: fakes instead of the live adapters. */
  adapterFactory?: (tenant: TenantConfig) => Adapters;
  /** The store (default: opened at `store.path` when a tenant's adapters are first built). */
  store?: Store;
}

/** The running bot's shared state: config, catalogue, one adapter set per tenant. */
export function createCore(options: CoreOptions): Core {
  const { config, logger } = options;
  const ca = configuredCa(config);
  const adapters = new Map<string, Adapters>();
  let store = options.store;
  const factory =
    options.adapterFactory ??
    ((tenant: TenantConfig) => {
      store ??= Store.open(config.store.path);
      return createAdapters(
        { tenant, services: config.services, timeouts: config.timeouts, ca, logger: logger.child({ tenant: tenant.name }) },
        store.e2eRuns(tenant.name),
      );
    });
  return {
    config,
    catalogue: options.catalogue ?? CATALOGUE,
    lastReports: new Map<string, Report>(),
    tenant(name?: string): TenantConfig {
      if (name === undefined) {
        if (config.tenants.length === 1) return config.tenants[0] as TenantConfig;
        throw new MailsetupError('UsageError', `This bot watches ${config.tenants.length} tenants; say which one.`, {
          hint: `Tenants: ${config.tenants.map((t) => t.name).join(', ')}. For example \`status ${config.tenants[0]?.name}\`.`,
        });
      }
      const found = config.tenants.find((t) => t.name === name.toLowerCase() || t.domain === name.toLowerCase());
      if (!found) {
        throw new MailsetupError('UsageError', `There is no tenant called "${name.slice(0, 40)}".`, {
          hint: `Tenants: ${config.tenants.map((t) => t.name).join(', ')}.`,
        });
      }
      return found;
    },
    adapters(tenant: TenantConfig): Adapters {
      let set = adapters.get(tenant.name);
      if (!set) {
        set = factory(tenant);
        adapters.set(tenant.name, set);
      }
      return set;
    },
  };
}

/** The extra CA bundle of `services.caFile` (the lab's, a TLS proxy's), when configured. */
export function configuredCa(config: MailsetupConfig): string | undefined {
  return config.services.caFile ? readCa(config.services.caFile) : undefined;
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new MailsetupError('ConfigInvalid', `services.caFile: cannot read ${path}.`, {
      hint: 'Give the path of a PEM CA bundle, or remove the key.',
    });
  }
}
