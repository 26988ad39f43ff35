import type { PlanActor } from '../approvals/plan.js';
import { formatDuration } from '../config/duration.js';
import { MailsetupError } from '../errors.js';
import type { AuditLog } from '../store/audit.js';

/** A tenant's watch paused until `until`, by someone, for a reason. */
export interface WatchPause {
  tenant: string;
  /** ISO time it ends by itself. */
  until: string;
  reason: string;
  by?: PlanActor;
  at: string;
}

/** The store's key/value records (`kv`), where pauses live: small, one per tenant. */
export interface KeyValueRecords {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): boolean;
}

/** No permanent mute: a pause ends by itself within a week. */
export const MAX_PAUSE_MS = 7 * 24 * 3_600_000;

const keyOf = (tenant: string) => `watch-pause:${tenant}`;

/**
 * Pauses of a tenant's watch (`watch pause <tenant> <duration> <reason>`), in the store so every
 * process and a restart see them, each one audited (`watch-paused`, `watch-resumed`). An expired
 * pause is simply no longer active.
 */
export class WatchPauses {
  readonly #records: KeyValueRecords;
  readonly #audit: Pick<AuditLog, 'append'> | undefined;
  readonly #now: () => Date;

  constructor(options: { records: KeyValueRecords; audit?: Pick<AuditLog, 'append'>; now?: () => Date }) {
    this.#records = options.records;
    this.#audit = options.audit;
    this.#now = options.now ?? (() => new Date());
  }

  /** @throws MailsetupError UsageError for a duration over 7 days or an empty reason. */
  pause(tenant: string, durationMs: number, reason: string, by?: PlanActor): WatchPause {
    if (durationMs <= 0 || durationMs > MAX_PAUSE_MS) {
      throw new MailsetupError('UsageError', `A pause lasts at most 7 days, not ${formatDuration(durationMs)}.`, {
        hint: 'For example `watch pause contoso 4h vendor changing IPs`; pause again when it runs out.',
      });
    }
    if (reason.trim() === '') {
      throw new MailsetupError('UsageError', 'Say why the watch is paused: the reason is shown to everyone and kept in the audit log.', {
        hint: 'For example `watch pause contoso 4h vendor changing IPs`.',
      });
    }
    const at = this.#now();
    const pause: WatchPause = {
      tenant,
      until: new Date(at.getTime() + durationMs).toISOString(),
      reason: reason.trim().slice(0, 300),
      ...(by ? { by } : {}),
      at: at.toISOString(),
    };
    this.#records.set(keyOf(tenant), pause);
    this.#audit?.append({
      event: 'watch-paused',
      tenant,
      ...(by ? { actor: by } : {}),
      details: { until: pause.until, reason: pause.reason },
    });
    return pause;
  }

  /** Ends the tenant's pause now; undefined when it had none (or it had run out). */
  resume(tenant: string, by?: PlanActor): WatchPause | undefined {
    const active = this.active(tenant);
    this.#records.delete(keyOf(tenant));
    if (!active) return undefined;
    this.#audit?.append({
      event: 'watch-resumed',
      tenant,
      ...(by ? { actor: by } : {}),
      details: { pausedUntil: active.until, reason: active.reason },
    });
    return active;
  }

  /** The tenant's pause, if one holds at `now`. */
  active(tenant: string, now: Date = this.#now()): WatchPause | undefined {
    const pause = this.#records.get<WatchPause>(keyOf(tenant));
    return pause && Date.parse(pause.until) > now.getTime() ? pause : undefined;
  }
}
