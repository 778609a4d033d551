import { describe, expect, it } from 'vitest';
import { AuditBuffer } from '../../src/issuer/audit_buffer.js';
import type { NewAuditEvent } from '../../src/store/index.js';

function event(i: number): NewAuditEvent {
  return { tenantId: 'acme', actor: 'workload:wl_1', action: 'token.issued', target: 'wl_1', details: { jti: `jti-${i}` } };
}

/** A database whose writes the test answers one by one. */
class ControlledStore {
  readonly writes: Array<{ events: readonly NewAuditEvent[]; resolve: () => void; reject: (error: Error) => void }> = [];
  readonly written: NewAuditEvent[] = [];

  appendAudit(events: readonly NewAuditEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.writes.push({
        events,
        resolve: () => {
          this.written.push(...events);
          resolve();
        },
        reject,
      });
    });
  }
}

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('AuditBuffer', () => {
  it('never holds more than its limit of events that are not yet durable: past it, reserve refuses with 503 audit_unavailable', async () => {
    const store = new ControlledStore();
    const buffer = new AuditBuffer(store, () => undefined, 5, 60_000, 3);
    for (let i = 0; i < 5; i++) {
      buffer.reserve();
      buffer.push(event(i));
    }
    expect(buffer.size).toBe(5);
    expect(() => buffer.reserve()).toThrow(expect.objectContaining({ code: 'audit_unavailable', status: 503 }));
    // The first batch (3 events, maxBatch) is being written; two wait. Once it is durable, three places free up.
    await settled();
    expect(store.writes).toHaveLength(1);
    store.writes[0]?.resolve();
    await settled();
    expect(buffer.size).toBe(2);
    buffer.reserve();
    buffer.push(event(5));
    await settled();
    expect(store.writes).toHaveLength(2); // the next full batch went as soon as the first was written
    store.writes[1]?.resolve();
    await settled();
    expect(store.written.map((e) => e.details?.jti)).toEqual(['jti-0', 'jti-1', 'jti-2', 'jti-3', 'jti-4', 'jti-5']);
    expect(buffer.size).toBe(0);
  });

  it('a reservation whose token was not issued is given back', () => {
    const buffer = new AuditBuffer(new ControlledStore(), () => undefined, 1);
    buffer.reserve();
    expect(() => buffer.reserve()).toThrow(expect.objectContaining({ code: 'audit_unavailable' }));
    buffer.release();
    expect(() => buffer.reserve()).not.toThrow();
  });

  it('keeps a failed batch, in order and still counted, and writes it with the next flush', async () => {
    const store = new ControlledStore();
    const errors: unknown[] = [];
    const buffer = new AuditBuffer(store, (error) => errors.push(error), 10, 60_000, 100);
    for (let i = 0; i < 3; i++) {
      buffer.reserve();
      buffer.push(event(i));
    }
    const first = buffer.flush();
    await settled();
    store.writes[0]?.reject(new Error('database away'));
    await first;
    expect(errors).toHaveLength(1);
    expect(buffer.size).toBe(3);
    buffer.reserve();
    buffer.push(event(3));
    const second = buffer.flush();
    await settled();
    store.writes[1]?.resolve();
    await second;
    expect(store.written.map((e) => e.details?.jti)).toEqual(['jti-0', 'jti-1', 'jti-2', 'jti-3']);
    expect(buffer.size).toBe(0);
  });

  it('on close, waits for the tokens being signed to push their events, writes them, and refuses new reservations', async () => {
    const store = new ControlledStore();
    const buffer = new AuditBuffer(store, () => undefined, 10, 60_000, 100);
    buffer.reserve();
    let closed = false;
    const closing = buffer.close().then(() => (closed = true));
    expect(() => buffer.reserve()).toThrow(expect.objectContaining({ code: 'shutting_down', status: 503 }));
    await settled();
    expect(store.writes).toHaveLength(0); // still waiting for the token in flight
    buffer.push(event(1));
    await settled();
    store.writes[0]?.resolve();
    await closing;
    expect(closed).toBe(true);
    expect(store.written.map((e) => e.details?.jti)).toEqual(['jti-1']);
  });
});
