import type { LabState } from './state.js';
import type { LabTenants } from './tenants.js';

/** The config the lab hands the bot, as plain YAML-shaped data (secrets inline). */
export interface LabRawConfig {
  tenants: Record<string, unknown>[];
  services: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RunningLabService {
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts one area's servers on loopback over the lab's tenants (or one bare tenant state, in tests
 * of a single service), and writes into `config` the addresses the bot must use (so the lab and the
 * real world differ only by config).
 */
export type LabServiceStarter = (lab: LabState | LabTenants, config: LabRawConfig) => Promise<RunningLabService>;
