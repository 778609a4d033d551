/** A cached value and the moment (epoch ms) it stops being usable. */
export interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** How the value a caller got was obtained. */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

export interface CacheAnswer<T> {
  value: T;
  expiresAt: number;
  outcome: CacheOutcome;
}

export interface CredentialCacheOptions {
  /** Injected clock (epoch ms), so tests move time instead of waiting. */
  now?: () => number;
  /** Refresh when less than this is left (default 5 minutes); callers keep getting the cached value meanwhile. */
  refreshAheadMs?: number;
  /**
   * After a failed load with nothing usable cached, callers get that same error for this long
   * instead of each starting a new STS call (default 1 s). Keeps a dead STS from being hammered.
   */
  errorCooldownMs?: number;
  /** After a failed background refresh, wait this long before trying again (default 5 s). */
  refreshRetryMs?: number;
  /** Bound on entries; expired ones go first, then the oldest (default 10,000). */
  maxEntries?: number;
  /**
   * Which load failures mean the source is down (default: all). Only those make health
   * `degraded`: one tenant's refused role is that tenant's problem, not the server's.
   */
  isOutage?: (error: unknown) => boolean;
}

interface Entry<T> {
  current?: Expiring<T>;
  inflight?: Promise<Expiring<T>>;
  /** The last load failure since the last success. */
  failure?: LoadFailure;
}

interface LoadFailure {
  error: unknown;
  at: number;
  outage: boolean;
}

/** What `/readyz` detail and metrics report about the loads behind the cache. */
export interface CacheHealth {
  /** `degraded` while the source is down: the last outage-type failure has not been followed by a success. */
  status: 'ok' | 'degraded';
  /** Entries served from cache while their refresh keeps failing (for any reason). */
  servingStale: number;
  /** The last outage-type failure. */
  lastFailure?: { error: unknown; at: number };
}

/**
 * The broker's cache: keyed, single-flight (concurrent callers of a key share one load),
 * refresh-ahead (a key asked for inside the refresh window is reloaded in the background while
 * callers keep the cached value, so hot keys never wait) and stale-on-error (while loads fail,
 * still-valid values keep being served; only once they expire do callers see the error).
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;
  private readonly refreshAheadMs: number;
  private readonly errorCooldownMs: number;
  private readonly refreshRetryMs: number;
  private readonly maxEntries: number;
  private readonly isOutage: (error: unknown) => boolean;
  private lastFailure: { error: unknown; at: number } | undefined;
  /** Whether the source is down: set by an outage-type failure, cleared by any success, so recovery needs no restart. */
  private sourceDown = false;

  constructor(options: CredentialCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
    this.errorCooldownMs = options.errorCooldownMs ?? 1_000;
    this.refreshRetryMs = options.refreshRetryMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.isOutage = options.isOutage ?? (() => true);
  }

  /**
   * The synchronous half of `get`: a usable cached value (starting its background refresh when
   * inside the refresh window), or undefined when the caller must wait for a load. Lets the hot
   * path answer without a single await.
   */
  peek(key: string, load: () => Promise<Expiring<T>>): CacheAnswer<T> | undefined {
    const entry = this.entries.get(key);
    const current = entry?.current;
    if (!entry || !current) return undefined;
    const now = this.now();
    if (current.expiresAt <= now) return undefined;
    if (current.expiresAt - now <= this.refreshAheadMs && this.mayRefresh(entry, now)) {
      // Background: the caller is answered now; a failure is recorded, not thrown.
      this.startLoad(entry, load).catch(() => undefined);
    }
    return { value: current.value, expiresAt: current.expiresAt, outcome: entry.failure ? 'stale' : 'hit' };
  }

  async get(key: string, load: () => Promise<Expiring<T>>): Promise<CacheAnswer<T>> {
    const cached = this.peek(key, load);
    if (cached) return cached;
    const now = this.now();
    let entry = this.entries.get(key);
    if (entry?.failure && !entry.inflight && now - entry.failure.at < this.errorCooldownMs) throw entry.failure.error;
    if (!entry) {
      this.evictIfFull(now);
      entry = {};
      this.entries.set(key, entry);
    }
    const loaded = await (entry.inflight ?? this.startLoad(entry, load));
    return { value: loaded.value, expiresAt: loaded.expiresAt, outcome: 'miss' };
  }

  health(): CacheHealth {
    const now = this.now();
    let servingStale = 0;
    let staleForOutage = false;
    for (const entry of this.entries.values()) {
      if (entry.failure && entry.current && entry.current.expiresAt > now) {
        servingStale += 1;
        staleForOutage ||= entry.failure.outage;
      }
    }
    return {
      status: this.sourceDown || staleForOutage ? 'degraded' : 'ok',
      servingStale,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  get size(): number {
    return this.entries.size;
  }

  private mayRefresh(entry: Entry<T>, now: number): boolean {
    if (entry.inflight) return false;
    return !entry.failure || now - entry.failure.at >= this.refreshRetryMs;
  }

  private startLoad(entry: Entry<T>, load: () => Promise<Expiring<T>>): Promise<Expiring<T>> {
    const inflight = (async () => {
      try {
        const loaded = await load();
        entry.current = loaded;
        delete entry.failure;
        this.sourceDown = false;
        return loaded;
      } catch (error) {
        const failure: LoadFailure = { error, at: this.now(), outage: this.isOutage(error) };
        entry.failure = failure;
        if (failure.outage) {
          this.lastFailure = { error, at: failure.at };
          this.sourceDown = true;
        }
        if (!entry.current || entry.current.expiresAt <= failure.at) delete entry.current;
        throw error;
      } finally {
        delete entry.inflight;
      }
    })();
    entry.inflight = inflight;
    return inflight;
  }

  private evictIfFull(now: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [key, entry] of this.entries) {
      if (!entry.inflight && (!entry.current || entry.current.expiresAt <= now)) this.entries.delete(key);
    }
    // Map iteration is insertion order: the oldest keys go first.
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxEntries) break;
      if (!entry.inflight) this.entries.delete(key);
    }
  }
}
