import type { Logger } from 'pino';
import type { MailsetupConfig, ServicesConfig, TenantConfig } from '../config/schema.js';

/** What every live adapter factory gets from the composition root. */
export interface AdapterFactoryOptions {
  tenant: TenantConfig;
  services: ServicesConfig;
  timeouts: MailsetupConfig['timeouts'];
  /** Extra CA certificates (PEM) to trust for TLS, from `services.caFile`. */
  ca?: string;
  logger: Logger;
}
