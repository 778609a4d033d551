import type { DriftChange } from './record_test_run.js';

/** When the watch runs; tests inject one that never fires and call `runOnce` themselves. */
export interface DriftClock {
  now(): number;
  /** Calls `run` after `ms`; returns a cancel function. */
  schedule(ms: number, run: () => void): () => void;
}

export const systemClock: DriftClock = {
  now: () => Date.now(),
  schedule: (ms, run) => {
    const timer = setTimeout(run, ms);
    // The watch alone never keeps the process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface DriftWatchOptions {
  /** Between the end of one sweep and the start of the next. */
  intervalMs: number;
  clock?: DriftClock;
  /** Every connection to re-test. */
  connections(): Promise<Array<{ tenantId: string; connection: string }>>;
  /**
   * Tests one connection and records the run in its history (`runConnectionTest` with trigger `schedule`),
   * answering the changes since the previous run; `recordTestRun` audits and counts them.
   */
  run(tenantId: string, connection: string): Promise<{ changes: DriftChange[] }>;
  onError?(error: unknown, where: { tenantId?: string; connection?: string }): void;
  /**
   * Many replicas: asks the cluster for the current interval (true: this replica sweeps it). With a claim the
   * watch asks every `tickMs` (default a quarter interval) instead of sleeping a whole interval, so when the
   * replica that swept last dies, another sweeps the next interval.
   */
  claim?(): Promise<boolean>;
  tickMs?: number;
}

export interface DriftSweep {
  tested: number;
  changes: Array<DriftChange & { tenantId: string; connection: string }>;
}

/**
 * Re-tests every connection on a schedule and keeps the history, so that a customer who edits a trust
 * policy (and breaks the connection, or opens it to other subjects) is noticed before a workload fails:
 * each change for the worse is an audit event (`connection.drift`) and a metric
 * (`rolebridge_connection_drift_total`). Sweeps never overlap; one connection's failure never stops the sweep.
 */
export class DriftWatch {
  private readonly clock: DriftClock;
  private cancel: (() => void) | undefined;
  private running: Promise<DriftSweep> | undefined;
  private stopped = true;
  /** Set by stop(): a sweep in progress ends after the connection it is testing. */
  private closing = false;

  constructor(private readonly options: DriftWatchOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.closing = false;
    this.scheduleNext();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One sweep over every connection (what the schedule runs). */
  runOnce(): Promise<DriftSweep> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const claim = this.options.claim?.bind(this.options);
    const wait = claim ? (this.options.tickMs ?? Math.max(250, Math.floor(this.options.intervalMs / 4))) : this.options.intervalMs;
    this.cancel = this.clock.schedule(wait, () => {
      const sweep = claim ? claim().then((mine) => (mine && !this.closing ? this.runOnce() : undefined)) : this.runOnce();
      void sweep
        .catch((error: unknown) => this.options.onError?.(error, {}))
        .finally(() => this.scheduleNext());
    });
  }

  private async sweep(): Promise<DriftSweep> {
    const sweep: DriftSweep = { tested: 0, changes: [] };
    for (const { tenantId, connection } of await this.options.connections()) {
      if (this.closing) break;
      try {
        const { changes } = await this.options.run(tenantId, connection);
        sweep.tested += 1;
        sweep.changes.push(...changes.map((change) => ({ ...change, tenantId, connection })));
      } catch (error) {
        this.options.onError?.(error, { tenantId, connection });
      }
    }
    return sweep;
  }
}
