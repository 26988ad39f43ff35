import { Cron } from 'croner';

/** A repeating timer; `stop()` ends it (a call in progress is not interrupted). */
export interface Repeating {
  stop(): void;
}

export interface RepeatOptions {
  /** The first call. */
  startAt: Date;
  /** Then one every this many ms (whole seconds). */
  intervalMs: number;
  /** Told when a call is due while the previous one is still running (that call is skipped, not stacked). */
  onSkip?: () => void;
  /** Told of a call that threw (the timer keeps going). */
  onError?: (error: unknown) => void;
}

/**
 * Time as the watch sees it: what time it is, repeating calls, and deadlines. The service uses
 * `SystemClock` (croner); tests pass a manual clock they advance, so they drive the same scheduler.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn(dueAt)` at `startAt` and then every `intervalMs`. */
  repeat(options: RepeatOptions, fn: (dueAt: Date) => Promise<void>): Repeating;
  /** A signal that aborts `ms` from now, unless cleared first. */
  deadline(ms: number): { signal: AbortSignal; clear(): void };
}

/** Wall-clock time, with croner's interval jobs (`startAt`, `interval`, `protect`) for the repeats. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  repeat(options: RepeatOptions, fn: (dueAt: Date) => Promise<void>): Repeating {
    const job = new Cron(
      // Every second is a candidate; `interval` keeps one in `intervalMs`, counted from `startAt`.
      '* * * * * *',
      {
        interval: Math.max(1, Math.round(options.intervalMs / 1000)),
        startAt: options.startAt,
        protect: () => options.onSkip?.(),
        catch: (error) => options.onError?.(error),
      },
      (self) => fn(self.currentRun() ?? new Date()),
    );
    return { stop: () => job.stop() };
  }

  deadline(ms: number): { signal: AbortSignal; clear(): void } {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    return { signal: controller.signal, clear: () => clearTimeout(timer) };
  }
}
