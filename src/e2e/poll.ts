import { MailsetupError } from '../errors.js';

export interface PollOptions {
  timeoutMs: number;
  initialMs: number;
  maxMs: number;
  signal?: AbortSignal;
}

/**
 * Calls `attempt` until it returns a value (not undefined) or the time is up, waiting a little
 * longer each round. Returns undefined on timeout. Errors from `attempt` propagate at once. The
 * waiting timer is always cleared; an abort ends the wait with AdapterTimeout.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const deadline = performance.now() + options.timeoutMs;
  let delay = options.initialMs;
  for (;;) {
    throwIfAborted(options.signal);
    const value = await attempt();
    if (value !== undefined) return value;
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(options.maxMs, Math.ceil(delay * 1.6));
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw aborted();
}

function aborted(): MailsetupError {
  return new MailsetupError('AdapterTimeout', 'The end-to-end test ran out of time and was stopped.', {
    hint: 'Try again; if it repeats, look at the hop that was running.',
    source: 'e2e',
  });
}
