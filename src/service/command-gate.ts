import type { Message } from '../render/message.js';
import type { CommandHandler } from './command-observer.js';

/** The reply to a command that arrives after shutdown began. */
export const SHUTTING_DOWN_REPLY: Message = {
  summary: 'mailsetup is restarting or shutting down and takes no new commands now; ask again in a minute.',
  tone: 'warn',
  blocks: [],
};

/** The reply to a command stopped at the shutdown deadline. */
export const ABORTED_REPLY: Message = {
  summary: 'mailsetup shut down before this command finished, so it was stopped; nothing was changed. Ask again in a minute.',
  tone: 'warn',
  blocks: [],
};

/**
 * Lets commands through until shutdown begins, then refuses new ones with a sentence; the ones in
 * flight may finish until the grace period ends, and are then aborted (their run's signal) and
 * answered with a sentence instead of a half-finished report.
 */
export class CommandGate {
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #abort = new AbortController();
  #open = true;

  get open(): boolean {
    return this.#open;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  wrap(handle: CommandHandler): CommandHandler {
    return async (text, ctx) => {
      if (!this.#open) return SHUTTING_DOWN_REPLY;
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, this.#abort.signal]) : this.#abort.signal;
      const running = handle(text, { ...ctx, signal });
      this.#inFlight.add(running);
      try {
        const reply = await running;
        return this.#abort.signal.aborted ? ABORTED_REPLY : reply;
      } finally {
        this.#inFlight.delete(running);
      }
    };
  }

  /**
   * Refuses new commands, waits up to `graceMs` for the running ones, then aborts the rest and
   * waits up to `abortWaitMs` more for them to answer.
   */
  async close(graceMs: number, abortWaitMs = 5000): Promise<{ finished: number; aborted: number }> {
    this.#open = false;
    const running = this.#inFlight.size;
    if (running === 0) return { finished: 0, aborted: 0 };
    await settleWithin([...this.#inFlight], graceMs);
    const left = this.#inFlight.size;
    if (left > 0) {
      this.#abort.abort(new Error('shutting down'));
      await settleWithin([...this.#inFlight], abortWaitMs);
    }
    return { finished: running - left, aborted: left };
  }
}

async function settleWithin(pending: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(pending), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
