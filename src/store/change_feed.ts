import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

/** A table another replica changed (`cluster_changes.topic`), for one tenant or (api keys without one) none. */
export interface ClusterChange {
  topic: 'signing_keys' | 'token_configs' | 'api_keys' | 'workloads' | 'setup_codes';
  tenantId: string | null;
}

/**
 * `resync`: the feed may have missed changes (it reconnected, or polling failed for a while): drop every
 * cache that another replica's writes could have made stale.
 */
export type ChangeEvent = ClusterChange | { topic: 'resync'; tenantId: null };

export type ChangeListener = (event: ChangeEvent) => void;

export interface ChangeFeedOptions {
  /** Bounded polling fallback: the table is read at least this often even when no notification arrives. */
  pollMs?: number;
  /** Reconnect delays of the listening client grow from `minMs` to `maxMs`. */
  reconnect?: { minMs: number; maxMs: number };
  /** Rows older than this are deleted (by any replica, now and then). */
  retainMs?: number;
  onError?: (error: unknown) => void;
}

/** What other replicas changed, delivered in-process to the caches that must forget. */
export interface ChangeFeed {
  subscribe(listener: ChangeListener): () => void;
  /** Connected and polling (PostgreSQL), or nothing to hear (SQLite: one process). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** SQLite is one process: every cache is invalidated where it is written; there is nobody else to hear. */
export class LocalChangeFeed implements ChangeFeed {
  subscribe(): () => void {
    return () => undefined;
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}

const CHANNEL = 'rolebridge_changes';

interface PollRow {
  xmin: string;
  seq: string | null;
  topic: string | null;
  tenant_id: string | null;
  tx_id: string | null;
}

/**
 * PostgreSQL: a dedicated, reconnecting client LISTENs on `rolebridge_changes` (sent by the triggers of
 * migration 009 on commit), and every notification — or, failing those, every `pollMs` — reads the new rows
 * of `cluster_changes`. The table, not the notification, is the source: a notification lost while
 * reconnecting costs at most one poll interval, never a change.
 *
 * Rows are read by transaction id, not by sequence: a sequence number is taken at insert, so a transaction
 * that commits late can land a smaller `seq` behind rows already read. The cursor is the snapshot's xmin
 * (every transaction below it has ended, so its rows are visible now); rows at or above it are read again
 * until the cursor passes them, and deduplicated by `seq`.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private client: pg.Client | undefined;
  private cursor: string | undefined;
  private readonly seen = new Map<string, bigint>();
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  private listening = false;
  private lastPollOk = true;
  private polls = 0;
  private closed = false;
  private readonly pollMs: number;
  private readonly reconnect: { minMs: number; maxMs: number };
  private readonly retainMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly connectionString: string,
    private readonly options: ChangeFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.reconnect = options.reconnect ?? { minMs: 200, maxMs: 5000 };
    this.retainMs = options.retainMs ?? 10 * 60_000;
    this.reconnectDelay = this.reconnect.minMs;
  }

  /** Takes the current position (older changes are already in what this replica will load) and starts listening. */
  async start(): Promise<void> {
    await this.poll();
    this.pollTimer = setInterval(() => this.requestPoll(), this.pollMs);
    this.pollTimer.unref();
    await this.connect(false);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  healthy(): boolean {
    return this.listening || this.lastPollOk;
  }

  /** Polls completed so far (tests wait on it instead of sleeping). */
  get pollsDone(): number {
    return this.polls;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.polling?.catch(() => undefined);
  }

  private async connect(isReconnect: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.client = client;
    const lost = (error?: unknown): void => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      if (error !== undefined) this.options.onError?.(error);
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.requestPoll());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.client !== client) return;
    this.listening = true;
    this.reconnectDelay = this.reconnect.minMs;
    // Notifications sent while the client was away are gone: the table still has the rows, but a poll cursor
    // that fell behind retention would not; a resync costs one reload per cached tenant, so be safe.
    if (isReconnect) this.emit({ topic: 'resync', tenantId: null });
    this.requestPoll();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnect.maxMs, delay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect(true);
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Coalesces: at most one poll runs, and one more follows if asked meanwhile. */
  private requestPoll(): void {
    if (this.closed) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.poll()
      .catch((error: unknown) => {
        if (this.lastPollOk) this.options.onError?.(error);
        this.lastPollOk = false;
      })
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.requestPoll();
        }
      });
  }

  private async poll(): Promise<void> {
    // One statement, one snapshot: xmin and the rows agree.
    const result = await sql<PollRow>`
      with snap as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
      select snap.xmin::text as xmin, c.seq::text as seq, c.topic, c.tenant_id, c.tx_id::text as tx_id
      from snap left join cluster_changes c on ${this.cursor === undefined ? sql`false` : sql`c.tx_id >= ${this.cursor}::xid8`}
      order by c.seq`.execute(this.db);
    const first = this.cursor === undefined;
    const wasFailing = !this.lastPollOk;
    for (const row of result.rows) {
      this.cursor = row.xmin;
      if (row.seq === null || row.topic === null || this.seen.has(row.seq)) continue;
      this.seen.set(row.seq, BigInt(row.tx_id ?? '0'));
      if (!first) this.emit({ topic: row.topic as ClusterChange['topic'], tenantId: row.tenant_id });
    }
    const cursor = BigInt(this.cursor ?? '0');
    for (const [seq, txId] of this.seen) if (txId < cursor) this.seen.delete(seq);
    this.lastPollOk = true;
    // While polls failed (the database was away) changes may have been pruned unseen: forget everything once.
    if (wasFailing) this.emit({ topic: 'resync', tenantId: null });
    if (++this.polls % 300 === 0) {
      await sql`delete from cluster_changes where created_at < now() - ${`${Math.ceil(this.retainMs / 1000)} seconds`}::interval`.execute(this.db);
    }
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }
}

/** The feed for this store's database. */
export async function openChangeFeed(
  store: { db: Kysely<Database>; dialect: 'sqlite' | 'postgres'; connectionUrl: string },
  options: ChangeFeedOptions = {},
): Promise<ChangeFeed> {
  if (store.dialect !== 'postgres') return new LocalChangeFeed();
  const feed = new PostgresChangeFeed(store.db, store.connectionUrl, options);
  await feed.start();
  return feed;
}
