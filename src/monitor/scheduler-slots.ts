/**
 * At most `limit` runs at once; the others wait their turn in arrival order. The watch's
 * `watch.concurrency`: many tenants, a bounded number of outside conversations at a time.
 */
export class RunSlots {
  readonly limit: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `fn` once a slot is free. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running += 1;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next in line (the count stays), or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
