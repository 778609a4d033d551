import { UnavailableError } from '../core/index.js';
import type { NewAuditEvent, Store } from '../store/index.js';

const RETRY_MS = 1000;
/** The default bound on `token.issued` events not yet durable (ROLEBRIDGE_AUDIT_BUFFER_LIMIT). */
export const DEFAULT_AUDIT_BUFFER_LIMIT = 10_000;

/**
 * Token issuance is the hot path; a write per token would cost more than the signature. Events are buffered
 * and written in batches off the request path (`store.appendAudit`: on SQLite by a writer thread), every
 * `intervalMs` or at `maxBatch` events, and on close.
 *
 * The buffer is bounded: at most `limit` events are ever not yet durable (buffered, being written, or kept
 * for a retry while the database is away). A token is issued only after it reserved its event's place
 * (`reserve`, before signing); when every place is taken the token endpoint answers 503 `audit_unavailable`
 * rather than issue a token nobody could audit. So a crash (even `kill -9`) loses at most `limit` events —
 * in steady state what arrived in the last interval or two. Admin changes are never buffered (they are
 * written in the same transaction as the change).
 */
export class AuditBuffer {
  private pending: NewAuditEvent[] = [];
  /** Events reserved, buffered, being written or awaiting a retry: never more than `limit`. */
  private outstanding = 0;
  /** Reservations whose token is still being signed. */
  private reserved = 0;
  private closed = false;
  private whenNoReservations: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, 'appendAudit'>,
    private readonly onError: (error: unknown) => void,
    private readonly limit = DEFAULT_AUDIT_BUFFER_LIMIT,
    private readonly intervalMs = 50,
    private readonly maxBatch = 500,
  ) {}

  /** Events not yet durable, reservations included. */
  get size(): number {
    return this.outstanding;
  }

  /** Takes a place for one event, or refuses (503) when the buffer is full; `push` or `release` it after. */
  reserve(): void {
    if (this.closed) throw new UnavailableError('shutting_down', 'The server is shutting down; retry on another replica.');
    if (this.outstanding >= this.limit) {
      this.flushSoon();
      throw new UnavailableError('audit_unavailable', 'Issued tokens are not being audited fast enough (the audit buffer is full); retry shortly.');
    }
    this.outstanding += 1;
    this.reserved += 1;
  }

  /** Gives back a reservation whose token was not issued. */
  release(): void {
    this.outstanding -= 1;
    this.settleReservation();
  }

  /** Buffers the event of a reservation. */
  push(event: NewAuditEvent): void {
    this.settleReservation();
    this.pending.push(event);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.flushSoon();
  }

  private settleReservation(): void {
    this.reserved -= 1;
    if (this.reserved === 0) this.whenNoReservations?.();
  }

  /**
   * Shutdown: refuses new reservations, waits (up to `graceMs`) for the tokens being signed to push their
   * events, then writes everything.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.reserved > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.whenNoReservations = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.flush();
  }

  private flushSoon(delayMs = this.intervalMs): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  /** Writes everything pushed so far; resolves when it is in the database (or was kept for a retry). */
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
        await this.store.appendAudit(batch);
        this.outstanding -= batch.length;
      } catch (error) {
        this.onError(error);
        // The database is briefly away: keep the events, in order, for the next attempt. They still hold
        // their places, so an outage stops issuance at `limit` instead of growing memory or dropping events.
        this.pending = [...batch, ...this.pending];
        this.flushSoon(RETRY_MS);
      }
    });
    return this.flushing;
  }
}
