import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { UnavailableError } from '../core/index.js';

/** An audit row in column order: id, occurred_at, tenant_id, actor, action, target, outcome, request_id, details. */
export type AuditRowValues = [string, string, string | null, string, string, string | null, string, string | null, string];

/**
 * The buffered audit events' writer on SQLite: a thread with its own connection to the database file and one
 * prepared INSERT, each batch in one transaction. A commit waits for the disk (synchronous=FULL, as every
 * write of rolebridge): on the main thread that wait stopped the token endpoint for milliseconds per flush;
 * here the main thread only posts the rows and hears back once they are durable. Two connections to one WAL
 * database take turns writing (busy_timeout), and the main connection begins its transactions IMMEDIATE
 * (open_database.ts) so a write racing this one waits instead of failing.
 *
 * The worker is plain JavaScript evaluated from a string (it runs the same from src and dist) and loads
 * better-sqlite3 from the path this module resolves.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT INTO audit_events (id, occurred_at, tenant_id, actor, action, target, outcome, request_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
const insertAll = db.transaction((rows) => { for (const row of rows) insert.run(row); });
parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    insertAll(message.rows);
    parentPort.postMessage({ batch: message.batch });
  } catch (error) {
    parentPort.postMessage({ batch: message.batch, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** One writer thread and the batches it has not answered yet. */
interface WriterThread {
  worker: Worker;
  inFlight: Map<number, Waiter>;
}

export class SqliteAuditWriter {
  private thread: WriterThread | undefined;
  private nextBatch = 0;
  /** Settles when the last batch posted has (a thread commits batches in the order they are posted). */
  private lastWrite: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly path: string) {}

  /** Resolves once `rows` are committed (one transaction), rejects if they are not. */
  write(rows: readonly AuditRowValues[]): Promise<void> {
    if (this.closed) return Promise.reject(new UnavailableError('database_closed', 'The audit writer is closed.'));
    const { worker, inFlight } = this.thread ?? this.start();
    const batch = this.nextBatch++;
    const written = new Promise<void>((resolve, reject) => {
      // Referenced only while a batch is on its way: an idle writer never keeps a process alive.
      if (inFlight.size === 0) worker.ref();
      inFlight.set(batch, { resolve, reject });
      worker.postMessage({ type: 'rows', batch, rows });
    });
    this.lastWrite = written.catch(() => undefined);
    return written;
  }

  private start(): WriterThread {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.path, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    const thread: WriterThread = { worker, inFlight: new Map() };
    const { inFlight } = thread;
    worker.unref();
    worker.on('message', (message: { batch: number; error?: { message: string; code?: string } }) => {
      const waiter = inFlight.get(message.batch);
      if (!waiter) return;
      inFlight.delete(message.batch);
      if (inFlight.size === 0) worker.unref();
      if (message.error) waiter.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else waiter.resolve();
    });
    const stopped = (error: Error) => {
      if (this.thread === thread) this.thread = undefined; // the next write starts a new thread
      for (const waiter of inFlight.values()) waiter.reject(error);
      inFlight.clear();
    };
    worker.on('error', stopped);
    worker.on('exit', () => stopped(new UnavailableError('audit_writer_stopped', 'The audit writer thread stopped.')));
    this.thread = thread;
    return thread;
  }

  /** Lets the batches already posted commit, then closes the thread's connection. */
  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    if (!thread) return;
    await this.lastWrite;
    if (this.thread === thread) this.thread = undefined;
    const { worker } = thread;
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' });
    await exited;
  }
}
