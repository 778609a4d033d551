import { ConflictError, UnavailableError } from '../core/index.js';
import type { Repositories, SigningKeyRecord, Store } from '../store/index.js';
import { buildIssuerDocuments, type IssuerDocuments } from './issuer_documents.js';
import type { IssuerUrls } from './issuer_url.js';
import {
  activeKey,
  keyState,
  planManualRotation,
  planNewTenantKeys,
  planRevoke,
  planScheduledMaintenance,
  publishedKeys,
  type KeyAction,
  type KeyState,
  type KeyTimeline,
  type RotationPolicy,
} from './key_rotation.js';
import { openPrivateKey, sealPrivateKey } from './private_key_sealing.js';
import { generateSigningKey, type PublicJwk, type SigningAlgorithm, type SigningKeyPair } from './signing_key.js';
import type { SigningWorker } from './signing_worker.js';
import { createTokenSigner, type TokenSigner } from './token_signer.js';

/** What the hot path needs for one tenant, built once per key change. */
export interface TenantKeys {
  tenantId: string;
  issuer: string;
  signer: TokenSigner | undefined;
  documents: IssuerDocuments;
  keys: SigningKeyRecord[];
  loadedAt: number;
}

/** A key as `GET /tenants/{t}/keys` shows it: no private material. */
export interface SigningKeyView {
  kid: string;
  algorithm: string;
  state: KeyState;
  published: boolean;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  revokedAt: string | null;
  ageSeconds: number;
}

/** Key actions as audit details: created keys are named by kid (public), never by key material. */
export type KeyChangeRecorder = (tx: Repositories, actions: Array<Record<string, string>>) => Promise<void>;

function describeActions(actions: readonly KeyAction[], createdKids: readonly string[]): Array<Record<string, string>> {
  let created = 0;
  return actions.map(
    (action): Record<string, string> =>
      action.type === 'create' ? { type: 'create', state: action.state, kid: createdKids[created++] ?? '' } : { type: action.type, kid: action.kid },
  );
}

export interface KeyRingOptions {
  store: Store;
  masterKey: Buffer;
  issuerUrls: () => IssuerUrls;
  policy: RotationPolicy;
  now: () => number;
  /** Another replica may have rotated: reload a tenant's keys this often (ms). */
  reloadAfterMs?: number;
  /** Sign on this thread instead of inline (see signing_worker). */
  signingWorker?: SigningWorker;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Each tenant's signing keys: loads and decrypts them once, serves the signer and the prebuilt
 * discovery/JWKS bytes from memory, and applies rotation plans in a transaction.
 */
export class KeyRing {
  private readonly loaded = new Map<string, TenantKeys>();
  private readonly loading = new Map<string, Promise<TenantKeys>>();
  private readonly reloadAfterMs: number;

  constructor(private readonly options: KeyRingOptions) {
    this.reloadAfterMs = options.reloadAfterMs ?? 30_000;
  }

  /** The cached keys if loaded (stale ones trigger a background reload but are still served). */
  peek(tenantId: string): TenantKeys | undefined {
    const cached = this.loaded.get(tenantId);
    if (cached && this.options.now() - cached.loadedAt > this.reloadAfterMs) void this.load(tenantId).catch(() => undefined);
    return cached;
  }

  async get(tenantId: string): Promise<TenantKeys> {
    return this.peek(tenantId) ?? this.load(tenantId);
  }

  /** Reads the tenant's keys from the database (single-flight per tenant). */
  load(tenantId: string): Promise<TenantKeys> {
    const inFlight = this.loading.get(tenantId);
    if (inFlight) return inFlight;
    const promise = this.options.store.signingKeys
      .listForTenant(tenantId)
      .then((keys) => {
        const built = this.build(tenantId, keys);
        this.loaded.set(tenantId, built);
        return built;
      })
      .finally(() => this.loading.delete(tenantId));
    this.loading.set(tenantId, promise);
    return promise;
  }

  /**
   * Another replica changed the tenant's keys: read them again if this replica holds them (the old ones keep
   * serving until the new ones are built). A load already in flight may have read before the change, so the
   * fresh read starts after it.
   */
  refresh(tenantId: string): Promise<TenantKeys | undefined> {
    if (!this.loaded.has(tenantId) && !this.loading.has(tenantId)) return Promise.resolve(undefined);
    const inFlight = this.loading.get(tenantId) ?? Promise.resolve(undefined);
    return inFlight.catch(() => undefined).then(() => this.load(tenantId));
  }

  /** Every held tenant, read again (the change feed may have missed changes). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.loaded.keys()].map((tenantId) => this.refresh(tenantId).catch(() => undefined)));
  }

  forget(tenantId: string): void {
    this.loaded.delete(tenantId);
  }

  forgetAll(): void {
    this.loaded.clear();
  }

  loadedTenants(): TenantKeys[] {
    return [...this.loaded.values()];
  }

  private build(tenantId: string, keys: SigningKeyRecord[]): TenantKeys {
    const { masterKey, issuerUrls, policy, now } = this.options;
    const at = now();
    const issuer = issuerUrls().issuerFor(tenantId);
    const active = activeKey(keys);
    const signer =
      active === undefined
        ? undefined
        : createTokenSigner(
            active.kid,
            active.algorithm as SigningAlgorithm,
            openPrivateKey(masterKey, active.sealedPrivateKey, { tenantId, kid: active.kid }),
            this.options.signingWorker,
          );
    const published = publishedKeys(keys, at, policy).map((k) => k.publicJwk as unknown as PublicJwk);
    return { tenantId, issuer, signer, documents: buildIssuerDocuments(issuer, published, policy.jwksMaxAgeSeconds), keys, loadedAt: at };
  }

  view(keys: readonly SigningKeyRecord[]): SigningKeyView[] {
    const at = this.options.now();
    const published = new Set(publishedKeys(keys, at, this.options.policy).map((k) => k.kid));
    return keys.map((k) => ({
      kid: k.kid,
      algorithm: k.algorithm,
      state: keyState(k),
      published: published.has(k.kid),
      createdAt: new Date(k.createdAt).toISOString(),
      activatedAt: iso(k.activatedAt),
      retiredAt: iso(k.retiredAt),
      revokedAt: iso(k.revokedAt),
      ageSeconds: Math.max(0, Math.floor((at - k.createdAt) / 1000)),
    }));
  }

  /** The first keys of a new tenant, written in the caller's transaction (keys generated beforehand). */
  async createInitialKeys(tx: Repositories, tenantId: string, pairs: SigningKeyPair[]): Promise<Array<Record<string, string>>> {
    const plan = planNewTenantKeys();
    return describeActions(plan, await this.apply(tx, tenantId, [], plan, pairs));
  }

  /** Generates as many key pairs as a plan of `count` creations needs (before any transaction). */
  async generate(algorithm: SigningAlgorithm, count: number): Promise<SigningKeyPair[]> {
    return Promise.all(Array.from({ length: count }, () => generateSigningKey(algorithm)));
  }

  /**
   * Plans against fresh rows inside one transaction and applies the plan; the caller supplies the
   * planning function (rotate, revoke, maintenance) and writes its audit event in the same transaction.
   */
  async change(
    tenantId: string,
    algorithm: SigningAlgorithm,
    plan: (keys: readonly KeyTimeline[], now: number) => KeyAction[],
    audit: KeyChangeRecorder,
  ): Promise<KeyAction[]> {
    const { store, now } = this.options;
    const preview = plan(await store.signingKeys.listForTenant(tenantId), now());
    if (preview.length === 0) return preview;
    const pairs = await this.generate(algorithm, preview.filter((a) => a.type === 'create').length);
    const actions = await store.transaction(async (tx) => {
      await tx.signingKeys.lockTenant(tenantId);
      const keys = await tx.signingKeys.listForTenant(tenantId);
      const actions = plan(keys, now());
      if (actions.filter((a) => a.type === 'create').length > pairs.length) {
        throw new ConflictError('concurrent_key_change', 'The keys changed while this change was prepared; retry.');
      }
      const created = await this.apply(tx, tenantId, keys, actions, pairs);
      if (actions.length > 0) await audit(tx, describeActions(actions, created));
      return actions;
    });
    if (actions.length > 0) await this.load(tenantId);
    return actions;
  }

  rotate(tenantId: string, algorithm: SigningAlgorithm, audit: KeyChangeRecorder): Promise<KeyAction[]> {
    return this.change(tenantId, algorithm, (keys, now) => planManualRotation(keys, now, this.options.policy), audit);
  }

  revoke(
    tenantId: string,
    algorithm: SigningAlgorithm,
    kid: string,
    audit: KeyChangeRecorder,
  ): Promise<KeyAction[]> {
    return this.change(tenantId, algorithm, (keys) => planRevoke(keys, kid), audit);
  }

  maintain(tenantId: string, algorithm: SigningAlgorithm, audit: KeyChangeRecorder): Promise<KeyAction[]> {
    return this.change(tenantId, algorithm, (keys, now) => planScheduledMaintenance(keys, now, this.options.policy), audit);
  }

  /** The signer of a tenant, or 503 when it has none (all keys revoked and none created yet). */
  signerOf(keys: TenantKeys): TokenSigner {
    if (keys.signer === undefined) throw new UnavailableError('no_signing_key', `Tenant ${keys.tenantId} has no active signing key.`);
    return keys.signer;
  }

  private async apply(
    tx: Repositories,
    tenantId: string,
    keys: readonly SigningKeyRecord[],
    actions: readonly KeyAction[],
    pairs: SigningKeyPair[],
  ): Promise<string[]> {
    const at = this.options.now();
    const created: string[] = [];
    let pairIndex = 0;
    // Creations get strictly increasing times so JWKS order (by creation) follows plan order.
    let createdAt = Math.max(at, ...keys.map((k) => k.createdAt + 1));
    for (const action of actions) {
      switch (action.type) {
        case 'create': {
          const pair = pairs[pairIndex++] as SigningKeyPair;
          await tx.signingKeys.insert({
            tenantId,
            kid: pair.kid,
            algorithm: pair.algorithm,
            publicJwk: pair.publicJwk as unknown as Record<string, unknown>,
            sealedPrivateKey: sealPrivateKey(this.options.masterKey, pair.privateKey, { tenantId, kid: pair.kid }),
            createdAt,
            activatedAt: action.state === 'active' ? createdAt : null,
            retiredAt: null,
            revokedAt: null,
          });
          created.push(pair.kid);
          createdAt += 1;
          break;
        }
        case 'activate':
          await tx.signingKeys.setTimes(tenantId, action.kid, { activatedAt: at });
          break;
        case 'retire':
          await tx.signingKeys.setTimes(tenantId, action.kid, { retiredAt: at });
          break;
        case 'revoke':
          await tx.signingKeys.setTimes(tenantId, action.kid, { revokedAt: at });
          break;
        case 'remove':
          await tx.signingKeys.remove(tenantId, action.kid);
          break;
      }
    }
    return created;
  }
}
