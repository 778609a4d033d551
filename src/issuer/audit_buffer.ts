import type { NewAuditEvent, Store } from '../store/index.js';

const MAX_RETAINED = 50_000;
const RETRY_MS = 1000;

/**
 * Token issuance is the hot path; an INSERT per token would cost more than the signature. Events are
 * buffered and written in one multi-row INSERT per flush (every `intervalMs`, or at `maxBatch` events, and on
 * close). A crash can lose at most one interval of `token.issued` events; while the database is briefly
 * unreachable, failed batches are kept (up to MAX_RETAINED events) and retried; admin changes are never
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
        // The database is briefly away: keep the events for the next flush (bounded, so an outage cannot grow memory).
        if (this.pending.length < MAX_RETAINED) this.pending = [...batch, ...this.pending].slice(0, MAX_RETAINED);
        if (this.timer === undefined && this.pending.length > 0) {
          this.timer = setTimeout(() => void this.flush(), RETRY_MS);
          this.timer.unref();
        }
      }
    });
    return this.flushing;
  }
}
