import { ConflictError, NotFoundError } from '../core/index.js';

/**
 * Signing-key life cycle as pure planning over key records and `now` (ms). The store applies the plan.
 *
 *   next ──(published ≥ one JWKS cache lifetime)──▶ active ──(rotation)──▶ retired ──(retention over)──▶ removed
 *     any state ──(emergency revoke)──▶ revoked (unpublished at once)
 *
 * - A `next` key is in the JWKS but does not sign. It may only become active once every verifier's cached
 *   JWKS must contain it: `createdAt + jwksMaxAge ≤ now`. There is always one, so a rotation never waits.
 * - A `retired` key stays published until every token it signed has expired, plus AWS's 5-minute clock
 *   skew, plus one JWKS cache lifetime (a verifier may hold a JWKS fetched just before removal).
 * - A `revoked` key leaves the JWKS immediately; the `next` key is promoted even if it is younger than
 *   the cache lifetime — a compromised key is worse than a verifier refetching on an unknown `kid`.
 */
export type KeyState = 'next' | 'active' | 'retired' | 'revoked';

export interface KeyTimeline {
  kid: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  revokedAt: number | null;
}

export interface RotationPolicy {
  /** The `Cache-Control: max-age` sent with the JWKS, in seconds. */
  jwksMaxAgeSeconds: number;
  /** The longest token lifetime any token config may have, in seconds (3600). */
  maxTokenLifetimeSeconds: number;
  /** AWS accepts tokens up to 5 minutes after `exp`. */
  clockSkewSeconds: number;
  /** Scheduled rotation: an active key older than this is replaced. */
  rotationIntervalSeconds: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  jwksMaxAgeSeconds: 300,
  maxTokenLifetimeSeconds: 3600,
  clockSkewSeconds: 300,
  rotationIntervalSeconds: 30 * 86_400,
};

export type KeyAction =
  | { type: 'create'; state: 'next' | 'active' }
  | { type: 'activate'; kid: string }
  | { type: 'retire'; kid: string }
  | { type: 'revoke'; kid: string }
  | { type: 'remove'; kid: string };

export function keyState(key: KeyTimeline): KeyState {
  if (key.revokedAt !== null) return 'revoked';
  if (key.retiredAt !== null) return 'retired';
  if (key.activatedAt !== null) return 'active';
  return 'next';
}

/** How long a retired key stays in the JWKS after it last signed, in ms. */
export function retentionMs(policy: RotationPolicy): number {
  return (policy.maxTokenLifetimeSeconds + policy.clockSkewSeconds + policy.jwksMaxAgeSeconds) * 1000;
}

export function isPublished(key: KeyTimeline, now: number, policy: RotationPolicy): boolean {
  switch (keyState(key)) {
    case 'revoked':
      return false;
    case 'retired':
      return now < (key.retiredAt as number) + retentionMs(policy);
    default:
      return true;
  }
}

/** When a `next` key may start signing. */
export function readyAt(key: KeyTimeline, policy: RotationPolicy): number {
  return key.createdAt + policy.jwksMaxAgeSeconds * 1000;
}

/** Keys in JWKS order: by creation time (then kid, for ties), never by kid alone. */
export function byCreation<K extends KeyTimeline>(keys: readonly K[]): K[] {
  return [...keys].sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
}

export function publishedKeys<K extends KeyTimeline>(keys: readonly K[], now: number, policy: RotationPolicy): K[] {
  return byCreation(keys.filter((k) => isPublished(k, now, policy)));
}

/** The key that signs now: the newest active one. */
export function activeKey<K extends KeyTimeline>(keys: readonly K[]): K | undefined {
  return byCreation(keys.filter((k) => keyState(k) === 'active')).at(-1);
}

function newestNext<K extends KeyTimeline>(keys: readonly K[]): K | undefined {
  return byCreation(keys.filter((k) => keyState(k) === 'next')).at(-1);
}

/** The first keys of a new tenant: nobody has cached its JWKS yet, so one key may sign at once. */
export function planNewTenantKeys(): KeyAction[] {
  return [
    { type: 'create', state: 'active' },
    { type: 'create', state: 'next' },
  ];
}

/**
 * The scheduled tick (and the start-up check): remove expired retired keys, rotate a key that is due
 * when the next key is ready, and make sure a `next` key exists.
 */
export function planScheduledMaintenance(keys: readonly KeyTimeline[], now: number, policy: RotationPolicy): KeyAction[] {
  const actions: KeyAction[] = [];
  for (const key of keys) {
    if (keyState(key) === 'retired' && !isPublished(key, now, policy)) actions.push({ type: 'remove', kid: key.kid });
  }
  const active = activeKey(keys);
  const next = newestNext(keys);
  if (active === undefined) {
    // Only after a revoke with no next key, or a damaged table: sign again as soon as possible.
    actions.push(next ? { type: 'activate', kid: next.kid } : { type: 'create', state: 'active' });
    actions.push({ type: 'create', state: 'next' });
    return actions;
  }
  const due = now - (active.activatedAt as number) >= policy.rotationIntervalSeconds * 1000;
  if (due && next !== undefined && now >= readyAt(next, policy)) {
    actions.push({ type: 'activate', kid: next.kid }, { type: 'retire', kid: active.kid }, { type: 'create', state: 'next' });
  } else if (next === undefined) {
    actions.push({ type: 'create', state: 'next' });
  }
  return actions;
}

/**
 * `POST /tenants/{t}/keys/rotate`: promote the pre-published next key now. Refused (409
 * `rotation_not_ready`) while that key is younger than one JWKS cache lifetime — promoting it earlier
 * would fail verifications at relying parties holding an older JWKS.
 */
export function planManualRotation(keys: readonly KeyTimeline[], now: number, policy: RotationPolicy): KeyAction[] {
  const active = activeKey(keys);
  const next = newestNext(keys);
  if (next === undefined) {
    return [...(active ? [] : [{ type: 'create', state: 'active' } as const]), { type: 'create', state: 'next' }];
  }
  const ready = readyAt(next, policy);
  if (now < ready && active !== undefined) {
    throw new ConflictError(
      'rotation_not_ready',
      `The next key ${next.kid} has been published for less than one JWKS cache lifetime (${policy.jwksMaxAgeSeconds} s); it can sign from ${new Date(ready).toISOString()}.`,
      { kid: next.kid, readyAt: new Date(ready).toISOString(), retryAfterSeconds: Math.ceil((ready - now) / 1000) },
    );
  }
  return [
    { type: 'activate', kid: next.kid },
    ...(active ? [{ type: 'retire', kid: active.kid } as const] : []),
    { type: 'create', state: 'next' },
  ];
}

/** Emergency revoke: unpublish at once; if it was signing, promote the next key immediately. */
export function planRevoke(keys: readonly KeyTimeline[], kid: string): KeyAction[] {
  const key = keys.find((k) => k.kid === kid);
  if (key === undefined || keyState(key) === 'revoked') {
    throw new NotFoundError('signing_key_not_found', `No published signing key with kid ${kid}.`, { kid });
  }
  const actions: KeyAction[] = [{ type: 'revoke', kid }];
  const state = keyState(key);
  const others = keys.filter((k) => k.kid !== kid);
  const next = newestNext(others);
  if (state === 'active') {
    actions.push(next ? { type: 'activate', kid: next.kid } : { type: 'create', state: 'active' });
    actions.push({ type: 'create', state: 'next' });
  } else if (state === 'next') {
    actions.push({ type: 'create', state: 'next' });
  }
  return actions;
}

/** Applies a plan to in-memory records; the store does the same in SQL. Used by tests and simulations. */
export function applyKeyActions(
  keys: readonly KeyTimeline[],
  actions: readonly KeyAction[],
  now: number,
  newKid: () => string,
): KeyTimeline[] {
  let out = keys.map((k) => ({ ...k }));
  for (const action of actions) {
    switch (action.type) {
      case 'create':
        out.push({ kid: newKid(), createdAt: now, activatedAt: action.state === 'active' ? now : null, retiredAt: null, revokedAt: null });
        break;
      case 'activate':
        out = out.map((k) => (k.kid === action.kid ? { ...k, activatedAt: now } : k));
        break;
      case 'retire':
        out = out.map((k) => (k.kid === action.kid ? { ...k, retiredAt: now } : k));
        break;
      case 'revoke':
        out = out.map((k) => (k.kid === action.kid ? { ...k, revokedAt: now } : k));
        break;
      case 'remove':
        out = out.filter((k) => k.kid !== action.kid);
        break;
    }
  }
  return out;
}
