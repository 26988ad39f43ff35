import type { AlertBook, AlertTransition, TenantObservation } from '../../src/monitor/contract.js';

/** An alert book that records what the watcher told it and opens nothing. */
export class RecordingBook implements AlertBook {
  readonly observations: TenantObservation[] = [];
  readonly ticks: Date[] = [];

  observe(observation: TenantObservation): AlertTransition[] {
    this.observations.push(observation);
    return [];
  }

  tick(now: Date): AlertTransition[] {
    this.ticks.push(now);
    return [];
  }
}
