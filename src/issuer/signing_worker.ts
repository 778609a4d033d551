import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { UnavailableError } from '../core/index.js';
import type { SigningAlgorithm } from './signing_key.js';

/**
 * A signer thread fed in batches. Inside a busy request handler an ES256 signature costs several times
 * what it costs in a tight loop (the signer's tables fall out of cache between requests); a thread that
 * does nothing but sign stays hot, and the main thread keeps serving HTTP. All signing inputs queued in
 * one event-loop turn travel in one message.
 *
 * The worker is plain JavaScript evaluated from a string, so it runs the same from src (tsx, Vitest)
 * and from dist.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = [];
const CHUNK = 8;
parentPort.on('message', (message) => {
  if (typeof message !== 'string') {
    keys[message.index] = message.algorithm === 'ES256' ? { key: message.key, dsaEncoding: 'ieee-p1363' } : message.key;
    return;
  }
  // One line per signature after the batch number: "<key index> <signing input>" (base64url and dots: no spaces).
  const lines = message.split('\\n');
  const batch = lines[0];
  const count = lines.length - 1;
  // Signatures go back in small chunks, so the main thread answers the first requests of a batch
  // while the rest are still being signed (both threads busy instead of taking turns).
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    let answer = batch + ' ' + from;
    for (let i = from; i < to; i++) {
      const line = lines[i + 1];
      const space = line.indexOf(' ');
      const key = keys[Number(line.slice(0, space))];
      answer += ' ' + (key === undefined ? '!' : sign('sha256', Buffer.from(line.slice(space + 1)), key).toString('base64url'));
    }
    parentPort.postMessage(answer); // "<batch> <from> <signature|!> …"
  }
});
`;

interface Waiter {
  resolve: (signature: string) => void;
  reject: (error: Error) => void;
}

/** No such key on the thread: a character outside base64url. */
const MISSING = '!';

export class SigningWorker {
  private readonly worker: Worker;
  private readonly inFlight = new Map<number, Waiter[]>();
  /** `<key index> <signing input>` lines queued in this event-loop turn. */
  private queuedLines: string[] = [];
  private queuedWaiters: Waiter[] = [];
  private scheduled = false;
  private nextBatch = 0;
  /** The thread knows keys by a small index: messages carry it instead of the kid. */
  private readonly keyIndex = new Map<string, number>();

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    // Messages are plain strings both ways: a string crosses threads several times cheaper than an object
    // of arrays (structured clone), and this is one message per batch per direction on the hot path.
    this.worker.on('message', (message: string) => {
      const parts = message.split(' ');
      const batch = Number(parts[0]);
      const from = Number(parts[1]);
      const waiters = this.inFlight.get(batch);
      if (!waiters) return;
      const count = parts.length - 2;
      for (let i = 0; i < count; i++) {
        const waiter = waiters[from + i] as Waiter;
        const signature = parts[i + 2] as string;
        if (signature === MISSING) waiter.reject(new UnavailableError('no_signing_key', 'The signing key is not loaded.'));
        else waiter.resolve(signature);
      }
      if (from + count < waiters.length) return;
      this.inFlight.delete(batch);
      if (this.inFlight.size === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new UnavailableError('signer_stopped', 'The signing thread stopped.')));
  }

  /** Hands a private key to the signing thread (KeyObjects are transferable by structured clone). */
  addKey(kid: string, algorithm: SigningAlgorithm, key: KeyObject): void {
    if (this.keyIndex.has(kid)) return;
    const index = this.keyIndex.size;
    this.keyIndex.set(kid, index);
    this.worker.postMessage({ index, algorithm, key });
  }

  /** The base64url signature of `signingInput` (base64url segments and dots) with key `kid`. */
  sign(kid: string, signingInput: string): Promise<string> {
    const index = this.keyIndex.get(kid);
    if (index === undefined) return Promise.reject(new UnavailableError('no_signing_key', 'The signing key is not loaded.'));
    return new Promise((resolve, reject) => {
      this.queuedLines.push(`${index} ${signingInput}`);
      this.queuedWaiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.nextBatch++;
    // Referenced only while signatures are awaited: an idle signer never keeps a process (a CLI) alive,
    // and a process awaiting a signature never exits under it.
    if (this.inFlight.size === 0) this.worker.ref();
    this.inFlight.set(batch, this.queuedWaiters);
    this.worker.postMessage(`${batch}\n${this.queuedLines.join('\n')}`);
    this.queuedLines = [];
    this.queuedWaiters = [];
  }

  private failAll(error: Error): void {
    for (const waiters of this.inFlight.values()) for (const waiter of waiters) waiter.reject(error);
    this.inFlight.clear();
    this.worker.unref();
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
