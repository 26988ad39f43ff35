import type { CheckDefinition } from '../engine/check.js';
import type { CheckResult } from '../engine/result.js';
import type { Message } from '../render/message.js';
import type { AlertRecord, AlertStore, JoinedFailure } from '../store/alerts.js';
import type { OutboxStore } from '../store/outbox.js';
import { type AlertKey, errorKey, failKey, RUN_ERROR_KEY, targetOf } from './alert-key.js';
import {
  alertTitle,
  joinedMessage,
  type MessageContext,
  recoveryMessage,
  rootMessage,
  safeText,
  snoozeEndedMessage,
  stillFailingMessage,
} from './alert-message.js';
import type { AlertBook, AlertChannel, AlertState, AlertTransition, TenantObservation } from './contract.js';
import { isFlapping } from './flapping.js';
import { DEFAULT_POLICY, type Effect, type PolicySettings, type PolicyState, step } from './policy.js';

export interface AlertBookOptions {
  alerts: AlertStore;
  outbox: OutboxStore;
  /** Where a tenant's alerts go (from config: `tenants[].alerts`, else `alerts.default`). */
  channelsFor(tenant: string): AlertChannel[];
  /** The catalogue, for `dependsOn` (a failure under a failing dependency joins its alert). */
  catalogue: readonly CheckDefinition[];
  failuresToOpen?: number;
  passesToResolve?: number;
  /** "Still failing" reminders in the thread while firing and not acknowledged (default 4 h; 0 = none). */
  followUpAfterMs?: number;
  /** The tenant's mail domain, for the texts ("mail to unknown addresses at contoso.com …"). */
  domainOf?(tenant: string): string | undefined;
}

interface Evidence {
  key: AlertKey;
  failing: boolean;
  /** The failing result (for `error`, the first of the group). */
  result?: CheckResult;
  /** For an `error` alert: the checks that erred because of it. */
  members?: string[];
}

/**
 * The alert policy over the store (src/monitor/policy.ts decides; this applies). Each call is one
 * store transaction: the alerts' new states and the outbox rows of the messages they cause are
 * written together, so a crash keeps both or neither.
 */
export class StoredAlertBook implements AlertBook {
  readonly settings: PolicySettings;
  readonly #alerts: AlertStore;
  readonly #outbox: OutboxStore;
  readonly #options: AlertBookOptions;

  constructor(options: AlertBookOptions) {
    this.#options = options;
    this.#alerts = options.alerts;
    this.#outbox = options.outbox;
    this.settings = {
      failuresToOpen: options.failuresToOpen ?? DEFAULT_POLICY.failuresToOpen,
      passesToResolve: options.passesToResolve ?? DEFAULT_POLICY.passesToResolve,
      followUpAfterMs: options.followUpAfterMs ?? DEFAULT_POLICY.followUpAfterMs,
    };
  }

  observe(observation: TenantObservation): AlertTransition[] {
    return this.#alerts.transaction(() => this.#observe(observation));
  }

  tick(now: Date): AlertTransition[] {
    return this.#alerts.transaction(() => {
      const transitions: AlertTransition[] = [];
      for (const alert of this.#alerts.snoozesEnded(now)) {
        const stillFailing = alert.fails > 0 && alert.passes === 0;
        alert.state = 'firing';
        alert.snooze = undefined;
        alert.ack = undefined;
        if (stillFailing) {
          alert.notifiedAt = now.toISOString();
          this.#send(alert, 'thread', snoozeEndedMessage(alert, this.#ctx(alert, now)), true);
        }
        this.#save(alert, now, ['update']);
        transitions.push(transition(alert, 'snoozed', 'firing', 0));
      }
      return transitions;
    });
  }

  /** Writes an alert after a change made outside the policy (ack, snooze), with its root update. */
  saveWithUpdate(alert: AlertRecord, now: Date): void {
    this.#save(alert, now, ['update']);
  }

  /** The alert's root as it stands now. */
  root(alert: AlertRecord, now: Date): Message {
    return rootMessage(alert, this.#ctx(alert, now));
  }

  #observe(observation: TenantObservation): AlertTransition[] {
    const { tenant, at, cycle } = observation;
    const now = at.toISOString();
    const open = this.#alerts.open(tenant);
    const { evidence, joins, passes } = this.#evidence(observation, open);
    const transitions: AlertTransition[] = [];
    for (const item of evidence) {
      let alert = open.find((a) => a.kind === item.key.kind && a.key === item.key.key);
      if (!alert && !item.failing) {
        this.#alerts.recordResult(tenant, item.key.kind, item.key.key, now, false);
        continue;
      }
      this.#alerts.recordResult(tenant, item.key.kind, item.key.key, now, item.failing);
      const results = this.#alerts.recentResults(tenant, item.key.kind, item.key.key);
      let from: AlertState | 'ok' = alert?.state ?? 'ok';
      if (!alert && item.result) {
        alert = this.#alerts.create(
          {
            tenant,
            kind: item.key.kind,
            key: item.key.key,
            checkId: item.key.checkId,
            target: item.key.target,
            body: {
              title: '',
              result: item.result,
              members: item.members ?? [],
              joined: [],
              ...(item.key.kind === 'fail' ? withBaseline(this.#alerts.lastPass(tenant, item.key.checkId, item.key.target)) : {}),
            },
          },
          now,
        );
        alert.body.title = alertTitle(alert, this.#options.domainOf?.(tenant));
        open.push(alert);
        transitions.push(transition(alert, 'ok', 'pending', cycle));
        from = 'pending';
      }
      if (!alert) continue;
      let grew = false;
      if (item.failing && item.result) {
        alert.body.result = item.result;
        alert.lastFailedAt = now;
        if (item.members) {
          const before = alert.body.members.length;
          alert.body.members = [...new Set([...alert.body.members, ...item.members])];
          grew = alert.body.members.length > before;
        }
      }
      const flapping = isFlapping(results, alert.flapping);
      const { next, effects } = step(policyState(alert), { failing: item.failing, flapping, now: at.getTime() }, this.settings);
      applyState(alert, next, at);
      if (next.state === 'firing' && from === 'pending') alert.channels = this.#options.channelsFor(tenant);
      // More checks now fail for the same cause: the posted root counts them, so it is rewritten.
      const rootPosted = from !== 'pending' && next.state !== 'resolved';
      if (grew && rootPosted && !effects.includes('root') && !effects.includes('update')) effects.push('update');
      this.#save(alert, at, effects);
      if (next.state !== from)
        transitions.push(transition(alert, from, next.state === 'resolved' && from === 'pending' ? 'ok' : next.state, cycle));
      if (effects.includes('root')) for (const joined of alert.body.joined) this.#announce(alert, joined);
    }
    for (const { result, rootCheckId } of joins) if (rootCheckId) this.#join(tenant, result, rootCheckId, at);
    for (const result of passes) this.#alerts.savePass(tenant, result.id, targetOf(result), { at: now, observed: result.observed });
    return transitions;
  }

  /**
   * What this run says about each key: failing keys (a `fail` per check and target; one `error`
   * per cause), passing keys of the open alerts, the failures that join another alert, the passes.
   */
  #evidence(
    observation: TenantObservation,
    open: AlertRecord[],
  ): { evidence: Evidence[]; joins: { result: CheckResult; rootCheckId: string }[]; passes: CheckResult[] } {
    const results = observation.results.map(sanitised);
    const byId = new Map(results.map((r) => [r.id, r]));
    const failing = new Set(results.filter((r) => r.status === 'fail').map((r) => r.id));
    // Open `fail` alerts still failing as far as this run knows (a check that passes now is no root).
    const passingNow = new Set(results.filter((r) => r.status === 'pass' || r.status === 'warn').map((r) => r.id));
    const openFail = new Set(open.filter((a) => a.kind === 'fail' && !passingNow.has(a.checkId)).map((a) => a.checkId));
    const evidence = new Map<string, Evidence>();
    const joins: { result: CheckResult; rootCheckId: string }[] = [];
    const put = (e: Evidence) => evidence.set(`${e.key.kind}|${e.key.key}`, e);

    for (const result of results.filter((r) => r.status === 'fail')) {
      const key = failKey(result);
      const own = open.some((a) => a.kind === 'fail' && a.key === key.key);
      const root = own ? undefined : this.#rootOf(result, failing, openFail);
      if (root) joins.push({ result, rootCheckId: root });
      else put({ key, failing: true, result });
    }
    // A chain (the end-to-end mail → the Test Connection → the connector) joins the alert at its end;
    // a failure whose chain ends nowhere (a loop) is an alert of its own.
    const joinedTo = new Map(joins.map((j) => [j.result.id, j.rootCheckId]));
    for (const join of joins) {
      const seen = new Set([join.result.id]);
      while (joinedTo.has(join.rootCheckId) && !seen.has(join.rootCheckId)) {
        seen.add(join.rootCheckId);
        join.rootCheckId = joinedTo.get(join.rootCheckId) as string;
      }
      if (seen.has(join.rootCheckId)) {
        put({ key: failKey(join.result), failing: true, result: join.result });
        join.rootCheckId = '';
      }
    }
    for (const result of results.filter((r) => r.status === 'error')) {
      const key = errorKey(result);
      const existing = evidence.get(`error|${key.key}`);
      if (existing) existing.members?.push(result.id);
      else put({ key, failing: true, result, members: [result.id] });
    }
    if (observation.runError) {
      put({ key: RUN_ERROR_KEY, failing: true, result: runErrorResult(observation), members: [] });
    }
    for (const alert of open) {
      const id = `${alert.kind}|${alert.key}`;
      if (evidence.has(id)) continue;
      const key: AlertKey = { kind: alert.kind, key: alert.key, checkId: alert.checkId, target: alert.target };
      if (alert.kind === 'fail') {
        const own = byId.get(alert.checkId);
        const joined = own && joins.some((j) => j.result === own && targetOf(own) === alert.target);
        // A pass says the key is fine; the check failing on another target too. Skips and errors say nothing.
        if (own && !joined && (own.status === 'pass' || own.status === 'warn' || own.status === 'fail')) put({ key, failing: false });
      } else if (alert.key === RUN_ERROR_KEY.key) {
        if (results.length > 0) put({ key, failing: false });
      } else if (alert.body.members.some((m) => ['pass', 'warn', 'fail'].includes(byId.get(m)?.status ?? ''))) {
        put({ key, failing: false });
      }
    }
    const passes = results.filter((r) => r.status === 'pass' || r.status === 'warn');
    return { evidence: [...evidence.values()], joins: joins.filter((j) => j.rootCheckId), passes };
  }

  /** The failing check this failure follows from: the one its cause names, else a failing dependency. */
  #rootOf(result: CheckResult, failing: Set<string>, openFail: Set<string>): string | undefined {
    const cause = result.cause?.checkId;
    if (cause && cause !== result.id && (failing.has(cause) || openFail.has(cause))) return cause;
    for (const dep of this.#dependencies(result.id)) if (failing.has(dep) || openFail.has(dep)) return dep;
    return undefined;
  }

  #dependencies(checkId: string, seen = new Set<string>()): string[] {
    const check = this.#options.catalogue.find((c) => c.meta.id === checkId);
    const out: string[] = [];
    for (const dep of check?.meta.dependsOn ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      out.push(dep, ...this.#dependencies(dep, seen));
    }
    return out;
  }

  /** Adds a failure to the thread of its root's alert (once per check and target). */
  #join(tenant: string, result: CheckResult, rootCheckId: string, at: Date): void {
    const root = this.#alerts.open(tenant).find((a) => a.kind === 'fail' && a.checkId === rootCheckId);
    if (!root) return;
    const target = targetOf(result);
    const known = root.body.joined.find((j) => j.checkId === result.id && j.target === (result.resource?.name ?? target));
    if (known) return;
    const joined: JoinedFailure = {
      checkId: result.id,
      target: result.resource?.name ?? target,
      detail: result.detail,
      at: at.toISOString(),
      announced: false,
    };
    root.body.joined.push(joined);
    const posted = root.state !== 'pending';
    if (posted) this.#announce(root, joined);
    this.#save(root, at, posted ? ['update'] : []);
  }

  #announce(alert: AlertRecord, joined: JoinedFailure): void {
    if (joined.announced) return;
    joined.announced = true;
    this.#send(alert, 'thread', joinedMessage(joined), false);
  }

  /** Saves the alert and queues the messages its effects call for, in the caller's transaction. */
  #save(alert: AlertRecord, at: Date, effects: readonly Effect[]): void {
    const ctx = this.#ctx(alert, at);
    for (const effect of effects) {
      if (effect === 'root') this.#send(alert, 'root', rootMessage(alert, ctx), false);
      else if (effect === 'update') this.#send(alert, 'update', rootMessage(alert, ctx), false);
      else if (effect === 'recovery') this.#send(alert, 'thread', recoveryMessage(alert, ctx), true);
      else if (effect === 'follow-up') this.#send(alert, 'thread', stillFailingMessage(alert, ctx), false);
    }
    this.#alerts.save(alert);
  }

  #send(alert: AlertRecord, kind: 'root' | 'update' | 'thread', message: Message, broadcast: boolean): void {
    for (const channel of alert.channels) this.#outbox.enqueue({ alertId: alert.id, channel, kind, message, broadcast });
  }

  #ctx(alert: AlertRecord, now: Date): MessageContext {
    const domain = this.#options.domainOf?.(alert.tenant);
    return { now, ...(domain ? { domain } : {}) };
  }
}

function policyState(alert: AlertRecord): PolicyState {
  return {
    state: alert.state,
    fails: alert.fails,
    passes: alert.passes,
    flapping: alert.flapping,
    ...(alert.notifiedAt ? { notifiedAt: Date.parse(alert.notifiedAt) } : {}),
  };
}

function applyState(alert: AlertRecord, next: PolicyState, at: Date): void {
  const iso = at.toISOString();
  if (next.state === 'firing' && alert.state === 'pending') alert.firingAt = iso;
  if (next.state === 'resolved' && alert.state !== 'resolved') alert.resolvedAt = iso;
  alert.state = next.state;
  alert.fails = next.fails;
  alert.passes = next.passes;
  alert.flapping = next.flapping;
  if (next.notifiedAt !== undefined) alert.notifiedAt = new Date(next.notifiedAt).toISOString();
}

function transition(alert: AlertRecord, from: AlertState | 'ok', to: AlertState | 'ok', cycle: number): AlertTransition {
  return { alertId: alert.id, tenant: alert.tenant, checkId: alert.checkId, kind: alert.kind, from, to, cycle };
}

function withBaseline(pass: ReturnType<AlertStore['lastPass']>): { baseline?: NonNullable<typeof pass> } {
  return pass ? { baseline: pass } : {};
}

/** A result with the texts that reach chat and the store made safe (known secrets, control characters). */
function sanitised(result: CheckResult): CheckResult {
  return {
    ...result,
    detail: safeText(result.detail),
    ...(result.cause
      ? {
          cause: {
            ...result.cause,
            explanation: safeText(result.cause.explanation),
            fix: safeText(result.cause.fix),
            code: safeText(result.cause.code),
          },
        }
      : {}),
    observed: JSON.parse(safeText(JSON.stringify(result.observed))) as Record<string, unknown>,
  };
}

function runErrorResult(observation: TenantObservation): CheckResult {
  return {
    id: RUN_ERROR_KEY.checkId,
    title: 'The watch run',
    area: 'mailflow',
    severity: 'high',
    fixable: false,
    tenant: observation.tenant,
    status: 'error',
    detail: safeText(`The watch run did not finish: ${observation.runError ?? 'unknown reason'}.`),
    observed: { source: 'watch', errorCode: 'RunAborted' },
    expected: {},
    durationMs: 0,
  };
}
