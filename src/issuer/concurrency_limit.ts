/**
 * At most `limit` tasks run at once; the others wait in arrival order. KMS has per-account request quotas
 * (Sign: a few thousand per second for ECC keys, fewer for RSA), so a burst of token requests queues here
 * instead of turning into throttling errors.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('a concurrency limit is a whole number ≥ 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the first waiter, so no newcomer can slip in between.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting now (for metrics and tests). */
  get pending(): number {
    return this.running + this.waiting.length;
  }
}
