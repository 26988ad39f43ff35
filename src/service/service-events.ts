import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/** A finished watch run over one tenant. */
export interface WatchRunEvent {
  runId: string;
  tenant: string;
  counts: { pass: number; warn: number; fail: number; error: number; skip: number };
  durationMs: number;
}

/** An alert changing state (firing, acknowledged, resolved, …). */
export interface AlertTransitionEvent {
  runId?: string;
  tenant: string;
  check: string;
  from: string;
  to: string;
}

/** A decision about a fix plan: requested, approved, rejected, expired, stale, applied, failed, partial. */
export interface PlanDecisionEvent {
  runId?: string;
  tenant: string;
  planId: string;
  decision: string;
  /** Who decided (platform user id); absent for the bot's own decisions (expired, stale). */
  by?: string;
}

/**
 * The hooks the watch, alert and fix flows call so that they log and count the same way commands
 * do: one JSON line each, carrying the run id, plus the metric. Closed label sets only (states,
 * decisions), never a tenant's free text.
 */
export class ServiceEvents {
  readonly #metrics: Metrics;
  readonly #logger: Logger;

  constructor(options: { metrics: Metrics; logger: Logger }) {
    this.#metrics = options.metrics;
    this.#logger = options.logger;
  }

  watchRun(event: WatchRunEvent): void {
    this.#metrics.runDuration.observe({ kind: 'watch' }, event.durationMs / 1000);
    this.#logger.info({ ...event, event: 'watch-run' }, `watch run ${event.tenant}`);
  }

  alertTransition(event: AlertTransitionEvent): void {
    this.#logger.info({ ...event, event: 'alert-transition' }, `alert ${event.check} ${event.from} → ${event.to}`);
  }

  /** The alert gauge: how many alerts are in each state now (the alert store knows; it sets them). */
  alertCounts(byState: Record<string, number>): void {
    for (const [state, count] of Object.entries(byState)) this.#metrics.alerts.set({ state }, count);
  }

  planDecision(event: PlanDecisionEvent): void {
    this.#metrics.planDecisions.inc({ decision: event.decision });
    this.#logger.info({ ...event, event: 'plan-decision' }, `plan ${event.planId} ${event.decision}`);
  }

  outbox(options: { depth: number }): void {
    this.#metrics.outboxDepth.set(options.depth);
  }

  deliveryFailed(options: { platform: string; runId?: string; code?: string }): void {
    this.#metrics.deliveryFailures.inc({ platform: options.platform });
    this.#logger.warn({ ...options, event: 'delivery-failed' }, `outbox delivery to ${options.platform} failed`);
  }
}
