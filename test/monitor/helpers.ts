import { startLab } from '../../lab/index.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import type { CheckResult } from '../../src/engine/result.js';
import { AlertDesk, type AlertDeskOptions } from '../../src/monitor/alert-actions.js';
import { type AlertBookOptions, StoredAlertBook } from '../../src/monitor/alert-book.js';
import { type AlertChannel, type AlertPoster, DeliveryError, type PostedRef, type PostOptions } from '../../src/monitor/contract.js';
import { StoredOutboxDelivery } from '../../src/monitor/outbox-delivery.js';
import type { Message } from '../../src/render/message.js';
import { renderText } from '../../src/render/text.js';
import type { Store } from '../../src/store/store.js';
import { runOnLab } from '../checks/mailflow/lab-run.js';

/** The checks the watch runs (the catalogue's watched ones). */
export const WATCHED = CATALOGUE.filter((c) => c.meta.watched).map((c) => c.meta.id);

const cache = new Map<string, CheckResult[]>();

/** The engine's real results for the watched checks against a fresh lab in this scenario (run once per scenario). */
export async function labResults(scenario: string): Promise<CheckResult[]> {
  const known = cache.get(scenario);
  if (known) return known;
  const lab = await startLab({ scenario });
  try {
    const report = await runOnLab(lab, WATCHED);
    cache.set(scenario, report.checks);
    return report.checks;
  } finally {
    await lab.stop();
  }
}

/** A clock the test moves. */
export class TestClock {
  #ms: number;
  constructor(iso: string) {
    this.#ms = Date.parse(iso);
  }
  now = (): Date => new Date(this.#ms);
  set(iso: string): Date {
    this.#ms = Date.parse(iso);
    return this.now();
  }
  advance(ms: number): Date {
    this.#ms += ms;
    return this.now();
  }
}

export interface Posted {
  op: 'post' | 'thread' | 'update';
  channel: string;
  ref: string;
  text: string;
  message: Message;
  broadcast: boolean;
}

/** An AlertPoster that records what it was asked to post, as the user would read it; it can be told to fail. */
export class RecordingPoster implements AlertPoster {
  readonly posted: Posted[] = [];
  /** Errors to throw on the next calls, in order. */
  readonly failNext: Error[] = [];
  #seq = 0;

  async post(channel: AlertChannel, message: Message, options: PostOptions = {}): Promise<PostedRef> {
    const error = this.failNext.shift();
    if (error) throw error;
    const ref = options.thread?.messageId ?? `ts-${++this.#seq}`;
    this.posted.push({
      op: options.thread ? 'thread' : 'post',
      channel: channel.conversationId,
      ref,
      text: renderText(message),
      message,
      broadcast: options.broadcast === true,
    });
    return { platform: channel.platform, conversationId: channel.conversationId, messageId: options.thread ? `ts-${++this.#seq}` : ref };
  }

  async update(ref: PostedRef, message: Message): Promise<void> {
    const error = this.failNext.shift();
    if (error) throw error;
    this.posted.push({
      op: 'update',
      channel: ref.conversationId,
      ref: ref.messageId,
      text: renderText(message),
      message,
      broadcast: false,
    });
  }

  roots(): Posted[] {
    return this.posted.filter((p) => p.op === 'post');
  }
  threads(): Posted[] {
    return this.posted.filter((p) => p.op === 'thread');
  }
  updates(): Posted[] {
    return this.posted.filter((p) => p.op === 'update');
  }
}

export const CHANNEL: AlertChannel = { platform: 'slack', conversationId: 'C0ALERTS' };

export function throttled(retryAfterMs: number): DeliveryError {
  return new DeliveryError('Slack answered 429 (ratelimited)', { retryAfterMs });
}

/** The book, the delivery with a recording poster, and the desk, on one store and clock. */
export function alertRig(store: Store, clock: TestClock, options: Partial<AlertBookOptions> & Partial<AlertDeskOptions> = {}) {
  const book = new StoredAlertBook({
    alerts: store.alerts,
    outbox: store.outbox,
    channelsFor: () => [CHANNEL],
    catalogue: CATALOGUE,
    domainOf: () => 'contoso.test',
    ...options,
  });
  const delivery = new StoredOutboxDelivery({ outbox: store.outbox, now: clock.now, baseBackoffMs: 1000 });
  const poster = new RecordingPoster();
  delivery.setPoster('slack', poster);
  const desk = new AlertDesk({
    book,
    alerts: store.alerts,
    audit: store.audit,
    now: clock.now,
    deliver: () => delivery.deliverDue(),
    ...options,
  });
  let cycle = 0;
  /** One watch run of contoso with these results at the clock's time, then delivery. */
  const run = async (results: CheckResult[]) => {
    const transitions = book.observe({ tenant: 'contoso', at: clock.now(), cycle: ++cycle, results });
    await delivery.deliverDue();
    return transitions;
  };
  return { book, delivery, poster, desk, run };
}

export const ANA = { platform: 'slack' as const, userId: 'U0ANA', displayName: 'Ana' };

/**
 * The watched checks' results after a real test mail through the lab (`test-email`), so
 * `mailflow-e2e` has a result of its own (fail, with its cause) besides the other checks.
 */
export async function labResultsWithE2e(scenario: string): Promise<CheckResult[]> {
  const key = `${scenario}+e2e`;
  const known = cache.get(key);
  if (known) return known;
  const { coreFor, LAB_E2E, startLabRun } = await import('../e2e/harness.js');
  const { runTestEmail } = await import('../../src/commands/test-email.js');
  const { runChecks } = await import('../../src/engine/run.js');
  const run = await startLabRun(scenario);
  try {
    await runTestEmail(coreFor(run), undefined, { e2e: LAB_E2E });
    const report = await runChecks({
      checks: CATALOGUE.filter((c) => c.meta.watched),
      catalogue: CATALOGUE,
      adapters: run.adapters,
      tenant: run.tenant,
      services: run.config.services,
      timeouts: run.config.timeouts,
    });
    cache.set(key, report.checks);
    return report.checks;
  } finally {
    await run.stop();
  }
}
