import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Report } from '../engine/result.js';

/**
 * The bot's Prometheus metrics (prom-client), one registry per running bot so tests and several
 * bots in one process never share counters. Labels are closed sets (check ids, statuses, services,
 * error codes, verbs) — never a tenant's free text — so cardinality stays bounded.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly checkResults = new Counter({
    name: 'mailsetup_check_results_total',
    help: 'Check results by check id and status.',
    labelNames: ['check', 'status'] as const,
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: 'mailsetup_run_duration_seconds',
    help: 'Duration of check runs (status, check, watch) and test-email.',
    labelNames: ['kind'] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'mailsetup_commands_total',
    help: 'Commands by verb and outcome (ok, failing, usage, error).',
    labelNames: ['verb', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: 'mailsetup_command_duration_seconds',
    help: 'Duration of commands by verb, from the request to the final reply.',
    labelNames: ['verb'] as const,
    buckets: [0.05, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });
  readonly outsideCalls = new Counter({
    name: 'mailsetup_outside_calls_total',
    help: 'Reads from outside services (erp, exchange, graph, dns, imap, smtp, e2e) by service.',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });
  readonly outsideErrors = new Counter({
    name: 'mailsetup_outside_errors_total',
    help: 'Failed reads from outside services by service and error code.',
    labelNames: ['service', 'code'] as const,
    registers: [this.registry],
  });
  readonly alerts = new Gauge({
    name: 'mailsetup_alerts',
    help: 'Alerts by state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly outboxDepth = new Gauge({
    name: 'mailsetup_outbox_depth',
    help: 'Messages waiting in the outbox.',
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'mailsetup_outbox_delivery_failures_total',
    help: 'Failed outbox deliveries (retried) by platform.',
    labelNames: ['platform'] as const,
    registers: [this.registry],
  });
  readonly schedulerLag = new Gauge({
    name: 'mailsetup_scheduler_lag_seconds',
    help: 'How late the last watch tick started after it was due.',
    registers: [this.registry],
  });
  readonly planDecisions = new Counter({
    name: 'mailsetup_plan_decisions_total',
    help: 'Fix plan decisions (requested, approved, rejected, expired, stale, applied, failed, partial).',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'mailsetup_' });
  }

  /** Counts a finished report's checks and its duration. */
  observeReport(report: Report, kind: 'status' | 'check' | 'watch'): void {
    for (const check of report.checks) this.checkResults.inc({ check: check.id, status: check.status });
    this.runDuration.observe({ kind }, report.durationMs / 1000);
  }

  /** One outside read, by the service its source key names (`erp.outgoing-servers` → `erp`). */
  observeFetch(sourceKey: string, errorCode?: string): void {
    const service = sourceKey.split('.')[0] ?? 'unknown';
    this.outsideCalls.inc({ service });
    if (errorCode) this.outsideErrors.inc({ service, code: errorCode });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
