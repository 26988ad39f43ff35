import { appendFileSync, writeFileSync } from 'node:fs';
import type { AlertChannel, AlertPoster, PostedRef, PostOptions } from '../../src/monitor/contract.js';
import type { Message } from '../../src/render/message.js';

/** One line per message the "platform" accepted. */
export interface FilePost {
  op: 'post' | 'thread' | 'update';
  channel: string;
  root?: string;
  summary: string;
}

/**
 * An AlertPoster that records to a file what it accepted, with deterministic refs (so a second
 * process sees the same ones). With `hangAt`, that call (1-based) never returns and records
 * nothing: the request is in flight when the process is killed.
 */
export class FilePoster implements AlertPoster {
  #calls = 0;
  constructor(
    readonly path: string,
    readonly options: { hangAt?: number; hangMarker?: string } = {},
  ) {}

  async post(channel: AlertChannel, message: Message, options: PostOptions = {}): Promise<PostedRef> {
    await this.#maybeHang();
    const root = options.thread?.messageId;
    this.#record({ op: root ? 'thread' : 'post', channel: channel.conversationId, ...(root ? { root } : {}), summary: message.summary });
    return { ...channel, messageId: root ? `${root}/reply-${this.#calls}` : `root-${channel.conversationId}-${message.summary.length}` };
  }

  async update(ref: PostedRef, message: Message): Promise<void> {
    await this.#maybeHang();
    this.#record({ op: 'update', channel: ref.conversationId, root: ref.messageId, summary: message.summary });
  }

  async #maybeHang(): Promise<void> {
    this.#calls += 1;
    if (this.#calls !== this.options.hangAt) return;
    if (this.options.hangMarker) writeFileSync(this.options.hangMarker, String(process.pid));
    // In flight until killed: a timer keeps the process alive (a bare pending promise would let node exit).
    await new Promise(() => setInterval(() => {}, 1000));
  }

  #record(post: FilePost): void {
    appendFileSync(this.path, `${JSON.stringify(post)}\n`);
  }
}
