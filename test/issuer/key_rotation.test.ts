import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  activeKey,
  applyKeyActions,
  DEFAULT_ROTATION_POLICY,
  isPublished,
  keyState,
  planManualRotation,
  planNewTenantKeys,
  planRevoke,
  planScheduledMaintenance,
  publishedKeys,
  type KeyTimeline,
  type RotationPolicy,
} from '../../src/issuer/key_rotation.js';
import { RolebridgeError } from '../../src/core/index.js';

const policy: RotationPolicy = { ...DEFAULT_ROTATION_POLICY, rotationIntervalSeconds: 86_400 };
const MINUTE = 60_000;

function kids(): () => string {
  let n = 0;
  return () => `k${String(++n).padStart(3, '0')}`;
}

describe('key rotation planning', () => {
  it('a new tenant signs at once and has a pre-published next key', () => {
    const keys = applyKeyActions([], planNewTenantKeys(), 0, kids());
    expect(keys.map(keyState)).toEqual(['active', 'next']);
  });

  it('manual rotation waits until the next key has been published for one JWKS cache lifetime', () => {
    const newKid = kids();
    let keys = applyKeyActions([], planNewTenantKeys(), 0, newKid);
    let error: unknown;
    try {
      planManualRotation(keys, 4 * MINUTE, policy);
    } catch (e) {
      error = e;
    }
    expect((error as RolebridgeError).code).toBe('rotation_not_ready');
    expect((error as RolebridgeError).status).toBe(409);
    keys = applyKeyActions(keys, planManualRotation(keys, 5 * MINUTE, policy), 5 * MINUTE, newKid);
    expect(keys.map((k) => [k.kid, keyState(k)])).toEqual([
      ['k001', 'retired'],
      ['k002', 'active'],
      ['k003', 'next'],
    ]);
  });

  it('keeps a retired key published for token lifetime + skew + cache lifetime, then removes it', () => {
    const newKid = kids();
    let keys = applyKeyActions([], planNewTenantKeys(), 0, newKid);
    const rotatedAt = 10 * MINUTE;
    keys = applyKeyActions(keys, planManualRotation(keys, rotatedAt, policy), rotatedAt, newKid);
    const retired = keys.find((k) => k.kid === 'k001')!;
    const until = rotatedAt + (3600 + 300 + 300) * 1000;
    expect(isPublished(retired, until - 1, policy)).toBe(true);
    expect(isPublished(retired, until, policy)).toBe(false);
    expect(planScheduledMaintenance(keys, until - 1, policy)).toEqual([]);
    expect(planScheduledMaintenance(keys, until, policy)).toEqual([{ type: 'remove', kid: 'k001' }]);
  });

  it('scheduled rotation happens when the active key is due', () => {
    const newKid = kids();
    const keys = applyKeyActions([], planNewTenantKeys(), 0, newKid);
    expect(planScheduledMaintenance(keys, 86_400_000 - 1, policy)).toEqual([]);
    expect(planScheduledMaintenance(keys, 86_400_000, policy).map((a) => a.type)).toEqual(['activate', 'retire', 'create']);
  });

  it('revoking the active key unpublishes it at once and promotes the next key', () => {
    const newKid = kids();
    let keys = applyKeyActions([], planNewTenantKeys(), 0, newKid);
    keys = applyKeyActions(keys, planRevoke(keys, 'k001'), MINUTE, newKid);
    expect(publishedKeys(keys, MINUTE, policy).map((k) => k.kid)).toEqual(['k002', 'k003']);
    expect(activeKey(keys)?.kid).toBe('k002');
  });

  it('revoking an unknown or already revoked kid is a 404', () => {
    const keys = applyKeyActions([], planNewTenantKeys(), 0, kids());
    expect(() => planRevoke(keys, 'nope')).toThrow(/No published signing key/);
  });

  it('orders the JWKS by creation time, not by kid', () => {
    const keys: KeyTimeline[] = [
      { kid: 'zzz', createdAt: 1, activatedAt: 1, retiredAt: null, revokedAt: null },
      { kid: 'aaa', createdAt: 2, activatedAt: null, retiredAt: null, revokedAt: null },
    ];
    expect(publishedKeys(keys, 3, policy).map((k) => k.kid)).toEqual(['zzz', 'aaa']);
  });

  /**
   * The property that matters: simulate any sequence of scheduled ticks, manual rotations and the passage
   * of time; a verifier that refreshes its JWKS cache every jwksMaxAge must be able to verify every token
   * signed at any moment, until it expires (+ skew).
   */
  it('no token ever fails verification at a verifier with a JWKS cache (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 2 * 86_400_000 }) }),
      fc.record({ kind: fc.constant('tick' as const) }),
      fc.record({ kind: fc.constant('rotate' as const) }),
      fc.record({ kind: fc.constant('issue' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 299_999 }), (steps, cacheOffset) => {
        const newKid = kids();
        let now = 0;
        let keys = applyKeyActions([], planNewTenantKeys(), now, newKid);
        // JWKS snapshots: (time fetched, kids). The verifier refetches every max-age, phase-shifted.
        const snapshots: Array<{ at: number; kids: Set<string> }> = [];
        const tokens: Array<{ kid: string; issuedAt: number }> = [];
        const snapshot = (): void => {
          snapshots.push({ at: now, kids: new Set(publishedKeys(keys, now, policy).map((k) => k.kid)) });
        };
        snapshot();
        for (const s of steps) {
          if (s.kind === 'wait') {
            // Take a snapshot at every cache refresh and every minute in between.
            const end = now + s.ms;
            for (let t = now + cacheOffset; t < end; t += 60_000) {
              now = t;
              snapshot();
            }
            now = end;
          } else if (s.kind === 'tick') {
            keys = applyKeyActions(keys, planScheduledMaintenance(keys, now, policy), now, newKid);
          } else if (s.kind === 'rotate') {
            try {
              keys = applyKeyActions(keys, planManualRotation(keys, now, policy), now, newKid);
            } catch (error) {
              expect((error as RolebridgeError).code).toBe('rotation_not_ready');
            }
          } else {
            const signer = activeKey(keys);
            expect(signer).toBeDefined();
            tokens.push({ kid: signer!.kid, issuedAt: now });
          }
          snapshot();
        }
        // A verifier's cache at time t holds the snapshot taken at the latest refresh ≤ t, at most max-age old.
        // Every snapshot taken while a token is valid (issue … exp + skew) and every snapshot up to max-age
        // before issue (still cached when the token arrives) must contain the token's key.
        const lifetime = (policy.maxTokenLifetimeSeconds + policy.clockSkewSeconds) * 1000;
        for (const token of tokens) {
          for (const snap of snapshots) {
            if (snap.at > token.issuedAt - policy.jwksMaxAgeSeconds * 1000 && snap.at <= token.issuedAt + lifetime) {
              expect(snap.kids.has(token.kid)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
