import type { NewAuditEvent, Store } from '../store/index.js';

/**
 * Token issuance is the hot path; an INSERT per token would cost more than the signature. Events are
 * buffered and written in one multi-row INSERT per flush (every `intervalMs`, or at `maxBatch` events, and on
 * close). A crash can lose at most one interval of `token.issued` events; admin changes are never
 * buffered (they are written in the same transaction as the change).
 */
export class AuditBuffer {
  private pending: NewAuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 50,
    private readonly maxBatch = 500,
  ) {}

  push(event: NewAuditEvent): void {
    this.pending.push(event);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything pushed so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.audit.recordMany(batch);
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }
}
