import type { Logger } from 'pino';
import type { RunObserver } from '../engine/observer.js';
import type { Metrics } from './metrics.js';

/**
 * The observer a run reports to: every outside read is counted by service, every failed one is
 * counted by error code and logged once (service, source, code) under the run's logger, so its
 * line carries the run id; the finished report's checks and duration are counted. A watch run
 * builds one with `kind: 'watch'`.
 */
export function runObserver(options: { metrics: Metrics; logger: Logger; kind: 'status' | 'check' | 'watch' }): RunObserver {
  const { metrics, logger, kind } = options;
  return {
    fetched(event) {
      metrics.observeFetch(event.source, event.errorCode);
      if (event.errorCode) {
        logger.warn(
          { service: serviceOf(event.source), source: event.source, code: event.errorCode, durationMs: Math.round(event.durationMs) },
          'outside call failed',
        );
      }
    },
    reported(report) {
      metrics.observeReport(report, kind);
    },
  };
}

/** `erp.outgoing-servers` → `erp`. */
export function serviceOf(sourceKey: string): string {
  return sourceKey.split('.')[0] ?? 'unknown';
}
