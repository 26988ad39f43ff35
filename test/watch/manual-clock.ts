import type { Clock, Repeating, RepeatOptions } from '../../src/monitor/scheduler-clock.js';

interface Timer {
  next: number;
  intervalMs: number;
  fn: (dueAt: Date) => Promise<void>;
  onError?: (error: unknown) => void;
  stopped: boolean;
}

/**
 * A clock the test moves: `advance(ms)` walks time forward, firing each repeat and deadline at its
 * due time in order, without waiting for the calls (a slow run spans later ticks, as in real time).
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #timers: Timer[] = [];
  readonly #deadlines: { at: number; controller: AbortController; cleared: boolean }[] = [];
  readonly calls = new Set<Promise<void>>();

  constructor(start = Date.parse('2026-12-02T10:00:00Z')) {
    this.#now = start;
  }

  now(): Date {
    return new Date(this.#now);
  }

  repeat(options: RepeatOptions, fn: (dueAt: Date) => Promise<void>): Repeating {
    const timer: Timer = { next: options.startAt.getTime(), intervalMs: options.intervalMs, fn, onError: options.onError, stopped: false };
    this.#timers.push(timer);
    return { stop: () => (timer.stopped = true) };
  }

  deadline(ms: number): { signal: AbortSignal; clear(): void } {
    const entry = { at: this.#now + ms, controller: new AbortController(), cleared: false };
    this.#deadlines.push(entry);
    return { signal: entry.controller.signal, clear: () => (entry.cleared = true) };
  }

  /** Waits for every timer call still running (runs against the lab take real time). */
  async settle(): Promise<void> {
    while (this.calls.size > 0) await Promise.all([...this.calls]);
  }

  /**
   * `settleEach`: wait for each call before moving time on (runs against the lab, which take real
   * time: without it their deadlines would pass while they run).
   */
  async advance(ms: number, options: { settleEach?: boolean } = {}): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const timer = this.#timers.filter((t) => !t.stopped).sort((a, b) => a.next - b.next)[0];
      const deadline = this.#deadlines.filter((d) => !d.cleared && !d.controller.signal.aborted).sort((a, b) => a.at - b.at)[0];
      const at = Math.min(timer?.next ?? Number.POSITIVE_INFINITY, deadline?.at ?? Number.POSITIVE_INFINITY);
      if (at > end) break;
      this.#now = Math.max(this.#now, at);
      if (deadline && deadline.at === at) deadline.controller.abort();
      else if (timer) {
        const call = timer.fn(new Date(at)).catch((error) => timer.onError?.(error));
        this.calls.add(call);
        void call.finally(() => this.calls.delete(call));
        timer.next += timer.intervalMs;
        if (options.settleEach) await call;
      }
      await settleMicrotasks();
    }
    this.#now = end;
    await settleMicrotasks();
  }
}

/** Lets promise callbacks and immediates queued so far run. */
export async function settleMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
