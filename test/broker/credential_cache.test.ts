import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CredentialCache, type Expiring } from '../../src/broker/index.js';

const MINUTE = 60_000;

/** A controllable clock and a loader that counts its calls and can be told to fail or wait. */
function harness(
  options: { refreshAheadMs?: number; errorCooldownMs?: number; refreshRetryMs?: number; maxEntries?: number; isOutage?: (error: unknown) => boolean } = {},
) {
  let now = 1_000_000;
  let calls = 0;
  let failWith: Error | undefined;
  let gate: Promise<void> | undefined;
  const cache = new CredentialCache<string>({ now: () => now, ...options });
  const load = async (): Promise<Expiring<string>> => {
    calls += 1;
    const call = calls;
    if (gate) await gate;
    if (failWith) throw failWith;
    return { value: `v${call}`, expiresAt: now + 60 * MINUTE };
  };
  return {
    cache,
    load,
    advance: (ms: number) => { now += ms; },
    calls: () => calls,
    fail: (error: Error | undefined) => { failWith = error; },
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => { release = resolve; });
      return () => { gate = undefined; release(); };
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CredentialCache', () => {
  it('loads once on a miss and then serves hits', async () => {
    const h = harness();
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'miss' });
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    expect(h.calls()).toBe(1);
  });

  it('makes one load for a thousand concurrent cold callers', async () => {
    const h = harness();
    const release = h.hold();
    const pending = Array.from({ length: 1000 }, () => h.cache.get('k', h.load));
    await settle();
    release();
    const results = await Promise.all(pending);
    expect(h.calls()).toBe(1);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(['v1']));
  });

  it('shares one failure among concurrent cold callers', async () => {
    const h = harness();
    h.fail(new Error('sts down'));
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => h.cache.get('k', h.load)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(h.calls()).toBe(1);
  });

  it('answers hits synchronously with peek, and leaves misses and expired values to get', async () => {
    const h = harness({ refreshAheadMs: 5 * MINUTE });
    expect(h.cache.peek('k', h.load)).toBeUndefined();
    expect(h.calls()).toBe(0); // a peek never loads a missing key
    await h.cache.get('k', h.load);
    expect(h.cache.peek('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    h.advance(56 * MINUTE);
    expect(h.cache.peek('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    expect(h.calls()).toBe(2); // inside the window a peek starts the background refresh
    await settle();
    h.advance(61 * MINUTE);
    expect(h.cache.peek('k', h.load)).toBeUndefined();
  });

  it('keeps keys apart', async () => {
    const h = harness();
    await h.cache.get('a', h.load);
    await h.cache.get('b', h.load);
    expect(h.calls()).toBe(2);
  });

  it('refreshes in the background when less than the refresh window is left, serving the cached value meanwhile', async () => {
    const h = harness({ refreshAheadMs: 5 * MINUTE });
    await h.cache.get('k', h.load);
    h.advance(54 * MINUTE); // 6 minutes left: still fresh
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    expect(h.calls()).toBe(1);
    h.advance(2 * MINUTE); // 4 minutes left: refresh ahead
    const release = h.hold();
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    expect(h.calls()).toBe(2); // one background refresh, however many callers
    release();
    await settle();
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v2', outcome: 'hit' });
  });

  it('serves still-valid values while refreshes fail, then the error after expiry, then recovers', async () => {
    const h = harness({ refreshAheadMs: 5 * MINUTE, refreshRetryMs: 10_000, errorCooldownMs: 1_000 });
    await h.cache.get('k', h.load);
    h.fail(new Error('sts down'));
    h.advance(56 * MINUTE);
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'hit' });
    await settle();
    expect(h.calls()).toBe(2);
    expect(await h.cache.get('k', h.load)).toMatchObject({ value: 'v1', outcome: 'stale' });
    expect(h.calls()).toBe(2); // no new attempt within refreshRetryMs
    expect(h.cache.health()).toMatchObject({ status: 'degraded', servingStale: 1 });
    h.advance(10_000);
    await h.cache.get('k', h.load);
    await settle();
    expect(h.calls()).toBe(3); // retried after refreshRetryMs

    h.advance(4 * MINUTE); // expired
    await expect(h.cache.get('k', h.load)).rejects.toThrow('sts down');
    const callsAfterError = h.calls();
    await expect(h.cache.get('k', h.load)).rejects.toThrow('sts down');
    expect(h.calls()).toBe(callsAfterError); // cooldown: a dead STS is not hammered

    h.fail(undefined);
    h.advance(1_000);
    expect(await h.cache.get('k', h.load)).toMatchObject({ outcome: 'miss' });
    expect(h.cache.health()).toMatchObject({ status: 'ok', servingStale: 0 });
  });

  it('counts only outage-type failures against health', async () => {
    const h = harness({ isOutage: (error) => (error as Error).message === 'down' });
    await h.cache.get('k', h.load);
    h.fail(new Error('refused'));
    h.advance(56 * MINUTE);
    await h.cache.get('k', h.load);
    await settle();
    expect(h.cache.health()).toEqual({ status: 'ok', servingStale: 1 });
    h.fail(new Error('down'));
    h.advance(10_000);
    await h.cache.get('k', h.load);
    await settle();
    expect(h.cache.health()).toMatchObject({ status: 'degraded', servingStale: 1 });
  });

  it('reports ok health before any failure', () => {
    expect(harness().cache.health()).toEqual({ status: 'ok', servingStale: 0 });
  });

  it('stays within maxEntries, dropping expired entries first', async () => {
    const h = harness({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await h.cache.get(key, h.load);
    expect(h.cache.size).toBeLessThanOrEqual(3);
    expect(await h.cache.get('e', h.load)).toMatchObject({ outcome: 'hit' });
  });

  it('never serves an expired value, whatever the timeline (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ advance: fc.integer({ min: 0, max: 40 * MINUTE }), failing: fc.boolean() }), { minLength: 1, maxLength: 30 }),
        async (timeline) => {
          const h = harness({ refreshAheadMs: 5 * MINUTE, errorCooldownMs: 0, refreshRetryMs: 0 });
          let now = 1_000_000;
          for (const step of timeline) {
            h.advance(step.advance);
            now += step.advance;
            h.fail(step.failing ? new Error('down') : undefined);
            try {
              const got = await h.cache.get('k', h.load);
              expect(got.expiresAt).toBeGreaterThan(now);
            } catch (error) {
              expect((error as Error).message).toBe('down');
            }
            await settle();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
