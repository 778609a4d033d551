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
const keys = new Map();
const CHUNK = 8;
parentPort.on('message', (message) => {
  if (message.type === 'key') {
    keys.set(message.kid, message.algorithm === 'ES256' ? { key: message.key, dsaEncoding: 'ieee-p1363' } : message.key);
    return;
  }
  // Signatures go back in small chunks, so the main thread answers the first requests of a batch
  // while the rest are still being signed (both threads busy instead of taking turns).
  const inputs = message.inputs;
  for (let from = 0; from < inputs.length; from += CHUNK) {
    const to = Math.min(inputs.length, from + CHUNK);
    const signatures = new Array(to - from);
    for (let i = from; i < to; i++) {
      const key = keys.get(message.kids[i]);
      signatures[i - from] = key === undefined ? null : sign('sha256', Buffer.from(inputs[i]), key).toString('base64url');
    }
    parentPort.postMessage({ batch: message.batch, from, signatures });
  }
});
`;

interface Waiter {
  resolve: (signature: string) => void;
  reject: (error: Error) => void;
}

export class SigningWorker {
  private readonly worker: Worker;
  private readonly inFlight = new Map<number, Waiter[]>();
  private queuedKids: string[] = [];
  private queuedInputs: string[] = [];
  private queuedWaiters: Waiter[] = [];
  private scheduled = false;
  private nextBatch = 0;
  private readonly registered = new Set<string>();

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (message: { batch: number; from: number; signatures: Array<string | null> }) => {
      const waiters = this.inFlight.get(message.batch);
      if (!waiters) return;
      const { from, signatures } = message;
      for (let i = 0; i < signatures.length; i++) {
        const waiter = waiters[from + i] as Waiter;
        const signature = signatures[i];
        if (signature === null || signature === undefined) waiter.reject(new UnavailableError('no_signing_key', 'The signing key is not loaded.'));
        else waiter.resolve(signature);
      }
      if (from + signatures.length < waiters.length) return;
      this.inFlight.delete(message.batch);
      if (this.inFlight.size === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new UnavailableError('signer_stopped', 'The signing thread stopped.')));
  }

  /** Hands a private key to the signing thread (KeyObjects are transferable by structured clone). */
  addKey(kid: string, algorithm: SigningAlgorithm, key: KeyObject): void {
    if (this.registered.has(kid)) return;
    this.registered.add(kid);
    this.worker.postMessage({ type: 'key', kid, algorithm, key });
  }

  /** The base64url signature of `signingInput` with key `kid`. */
  sign(kid: string, signingInput: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queuedKids.push(kid);
      this.queuedInputs.push(signingInput);
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
    this.worker.postMessage({ type: 'sign', batch, kids: this.queuedKids, inputs: this.queuedInputs });
    this.queuedKids = [];
    this.queuedInputs = [];
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
