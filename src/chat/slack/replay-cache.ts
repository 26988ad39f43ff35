/**
 * Signatures of Slack requests already run, each kept until its timestamp leaves the signing
 * window (after that the timestamp check refuses the request anyway). Bounded: when full, the
 * oldest entry goes first.
 *
 * In memory, so it guards one process. Several bot processes behind one Request URL would each
 * keep their own, and a request replayed to another process would run there.
 */
export class ReplayCache {
  readonly #expiries = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  /** True the first time `key` is seen (and remembers it until `expiresAtMs`); false for a replay. */
  firstSighting(key: string, expiresAtMs: number, nowMs: number): boolean {
    this.#dropExpired(nowMs);
    const known = this.#expiries.get(key);
    if (known !== undefined && known > nowMs) return false;
    if (this.#expiries.size >= this.#maxEntries) {
      const oldest = this.#expiries.keys().next();
      if (!oldest.done) this.#expiries.delete(oldest.value);
    }
    this.#expiries.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.#expiries.size;
  }

  #dropExpired(nowMs: number): void {
    // Entries arrive roughly in expiry order; sweeping from the front stops at the first live one.
    for (const [key, expiresAt] of this.#expiries) {
      if (expiresAt > nowMs) break;
      this.#expiries.delete(key);
    }
  }
}
