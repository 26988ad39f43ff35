import type { Logger } from 'pino';
import type { Actor, CommandContext, CommandPlace } from '../commands/context.js';
import { errorToMessage } from '../commands/error-message.js';
import { redact } from '../config/secret.js';
import type { Message } from '../render/message.js';

/**
 * What the chat front ends (Slack, Teams) share: the command handler they call, and a reply that
 * is posted once and then updated in place, throttled.
 */

/**
 * The command layer as a front end sees it: the dispatcher with `core` already bound by the
 * composition root — `(text, ctx) => handleCommand(text, { ...ctx, core })`.
 */
export type ChatCommandHandler = (text: string, ctx: Omit<CommandContext, 'core'>) => Promise<Message>;

export interface LiveReplyTarget {
  /** Posts the first version of the reply. */
  post(message: Message): Promise<void>;
  /** Replaces the posted reply with a newer version. */
  update(message: Message): Promise<void>;
}

export interface LiveReplyOptions {
  /** Least time between two sends (post or update). Slack and Teams both allow about one per second. */
  intervalMs?: number;
  /** Posted when nothing else was posted this long after the start, so the asker sees the bot at work. */
  placeholder?: { afterMs: number; message: Message };
  /** A progress send failed (the final one throws to the caller instead). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

/**
 * One reply that is posted, then updated as a command progresses: at most one send per interval,
 * intermediate versions dropped when newer ones arrive, sends never overlapping, and the final
 * version always sent.
 */
export class LiveReply {
  readonly #target: LiveReplyTarget;
  readonly #interval: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #posted = false;
  #pending: Message | undefined;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #placeholderTimer: NodeJS.Timeout | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #finished = false;
  /** How many versions were sent (post + updates). */
  sends = 0;

  constructor(target: LiveReplyTarget, options: LiveReplyOptions = {}) {
    this.#target = target;
    this.#interval = options.intervalMs ?? 1000;
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
    if (options.placeholder) {
      const { afterMs, message } = options.placeholder;
      this.#placeholderTimer = setTimeout(() => {
        this.#placeholderTimer = undefined;
        if (!this.#posted && !this.#pending && !this.#inFlight) this.progress(message);
      }, afterMs);
    }
  }

  /** True once the first version went out (or is going out). */
  get posted(): boolean {
    return this.#posted;
  }

  /** A newer progress version; sent now or at the next free slot, or dropped for a newer one. */
  progress(message: Message): void {
    if (this.#finished) return;
    this.#pending = message;
    this.#schedule();
  }

  /**
   * Sends the final version (after any send in flight, respecting the interval) and stops.
   * @throws whatever the platform's post/update threw, so the caller can fall back.
   */
  async finish(message: Message): Promise<void> {
    this.#stopTimers();
    this.#finished = true;
    this.#pending = undefined;
    await this.#settle();
    const wait = this.#lastSentAt + this.#interval - this.#now();
    if (this.#posted && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.#send(message);
  }

  /** Stops without a final version (e.g. it went out another way), after any send in flight. */
  async abandon(): Promise<void> {
    this.#stopTimers();
    this.#finished = true;
    this.#pending = undefined;
    await this.#settle();
  }

  #stopTimers(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#placeholderTimer);
    this.#timer = undefined;
    this.#placeholderTimer = undefined;
  }

  async #settle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight.catch(() => {});
  }

  #schedule(): void {
    if (this.#finished || this.#inFlight || this.#timer || !this.#pending) return;
    const wait = this.#lastSentAt + this.#interval - this.#now();
    if (wait <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#timer = undefined;
    const message = this.#pending;
    if (!message || this.#finished) return;
    this.#pending = undefined;
    this.#inFlight = this.#send(message)
      .catch((error) => this.#onError(error))
      .finally(() => {
        this.#inFlight = undefined;
        this.#schedule();
      });
  }

  async #send(message: Message): Promise<void> {
    const first = !this.#posted;
    this.#posted = true;
    try {
      if (first) await this.#target.post(message);
      else await this.#target.update(message);
      this.sends += 1;
    } catch (error) {
      // A failed first post leaves nothing to update: the next version tries to post again.
      if (first) this.#posted = false;
      throw error;
    } finally {
      this.#lastSentAt = this.#now();
    }
  }
}

/** The verb of a command line (`/mailsetup status x` → `status`); `help` when there is none. */
export function commandVerb(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (/^[/@]?mailsetup$/i.test(words[0] ?? '')) words.shift();
  return (words[0] ?? 'help').toLowerCase();
}

/**
 * Every string in a value with known secrets scrubbed (`redact`), as a last line of defence before
 * anything is posted to a chat platform.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** Shown while a command has not produced its first version yet. */
export function workingMessage(text: string): Message {
  return { summary: `Working on \`${commandVerb(text)}\`…`, tone: 'info', blocks: [], inProgress: true };
}

/**
 * A signal for one command that aborts when the front end stops. Call `done()` after the command so
 * the front end's long-lived signal does not collect a listener per command.
 */
export function commandSignal(stopping: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort(stopping.reason);
  if (stopping.aborted) abort();
  else stopping.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, done: () => stopping.removeEventListener('abort', abort) };
}

/**
 * Runs one chat command: progress versions go to `live`, anything thrown becomes a sentence (the
 * log gets the details under a reference), and the final reply is scrubbed of secret values.
 */
export async function runChatCommand(options: {
  handleCommand: ChatCommandHandler;
  text: string;
  actor: Actor;
  /** Where it was typed, for `access` (the channel, the team, a DM). */
  place?: CommandPlace;
  live: LiveReply;
  stopping: AbortSignal;
  logger: Logger;
}): Promise<Message> {
  const { handleCommand, text, actor, place, live, logger } = options;
  const command = commandSignal(options.stopping);
  let final: Message;
  try {
    final = await handleCommand(text, { actor, ...(place ? { place } : {}), update: (m) => live.progress(m), signal: command.signal });
  } catch (error) {
    final = errorToMessage(error, (reference, cause) => logger.error({ reference, err: redact(String(cause)) }, 'Command failed'));
  } finally {
    command.done();
  }
  return redactDeep({ ...final, inProgress: false });
}
