import { ConflictError, NotFoundError, UnavailableError } from '../core/index.js';
import type { Repositories, SigningKeyRecord, Store } from '../store/index.js';
import { buildIssuerDocuments, type IssuerDocuments } from './issuer_documents.js';
import type { IssuerUrls } from './issuer_url.js';
import type { KeyPromotion, KeyPromotionCheck } from './key_promotion.js';
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
import type { KmsKeyCustody, KmsSigningKey } from './kms_key_custody.js';
import { masterKeyVerifier } from './master_key_verifier.js';
import { openPrivateKey, sealPrivateKey } from './private_key_sealing.js';
import { sameKeyRows } from './same_key_rows.js';
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
  /** Why the active key cannot sign (e.g. sealed under another master key); the JWKS is still served. */
  signerError?: Error;
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
  custody: KeyCustodyKind;
  /** The KMS key holding it (custody `kms`). */
  kmsKeyArn?: string;
}

/** Where a tenant's new keys are made: sealed under the master key here, or held in AWS KMS. */
export type KeyCustodyKind = 'local' | 'kms';

/** A key about to be stored: a local pair (sealed on insert) or a KMS key (its ARN only). */
export type NewSigningKey = SigningKeyPair | KmsSigningKey;

/** What KMS must do once a key change is committed (it cannot be part of the database transaction). */
interface KmsFollowUp {
  keyArn: string;
  disable: boolean;
  scheduleDeletion: boolean;
}

/**
 * Key actions as audit details: created keys are named by kid (public), never by key material. `checks` is what
 * the promotion check found (the rotation canary's verdicts), when one ran.
 */
export type KeyChangeRecorder = (tx: Repositories, actions: Array<Record<string, string>>, checks?: Record<string, unknown>) => Promise<void>;

/** Who asks for a change that may promote a key: the checks before a promotion run only for these. */
export type PromotionRequest = Pick<KeyPromotion, 'trigger' | 'actor' | 'requestId'>;

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
  /** Custody of new keys (default `local`). Existing keys keep theirs: moving a tenant is a rotation. */
  custody?: KeyCustodyKind;
  /** The KMS side; needed when custody is `kms` or any stored key is held in KMS. */
  kms?: KmsKeyCustody;
  /** Failures of KMS follow-ups (disable, schedule deletion) after a committed change. */
  onBackgroundError?: (error: unknown, what: string) => void;
  /**
   * Static publication (ROLEBRIDGE_ISSUER_PUBLISHED): throws unless the copy verifiers fetch at `issuer`
   * already lists every kid in `kids`. Called before a rotation promotes a pre-published key.
   */
  publishedCheck?: (issuer: string, kids: readonly string[]) => Promise<void>;
  /**
   * Runs after the published check, before a rotation or the schedule promotes a next key (the rotation canary:
   * AWS must accept a token the next key signs). Throwing keeps the current key signing.
   */
  promotionCheck?: KeyPromotionCheck;
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
  private readonly verifier: string;

  constructor(private readonly options: KeyRingOptions) {
    this.reloadAfterMs = options.reloadAfterMs ?? 30_000;
    this.verifier = masterKeyVerifier(options.masterKey);
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
        const built = this.reuse(this.loaded.get(tenantId), keys) ?? this.build(tenantId, keys);
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

  /**
   * The periodic reload of every held tenant (reloadAfterMs) mostly finds its keys unchanged: then the signer
   * and the documents already built are kept, with a new load time; the documents alone are rebuilt when the
   * published set moved with time (a retired key's retention ending). Rebuilding them — opening the private
   * key, serializing and hashing the documents — for each of thousands of tenants every 30 s showed in the
   * JWKS tail latency (bench/tenants.bench.ts).
   */
  private reuse(previous: TenantKeys | undefined, keys: SigningKeyRecord[]): TenantKeys | undefined {
    if (previous === undefined || !sameKeyRows(previous.keys, keys)) return undefined;
    const { issuerUrls, policy, now } = this.options;
    const at = now();
    if (issuerUrls().issuerFor(previous.tenantId) !== previous.issuer) return undefined;
    const published = publishedKeys(keys, at, policy);
    // With the same rows the published set can only shrink with time: its size tells whether it moved.
    if (published.length === publishedKeys(previous.keys, previous.loadedAt, policy).length) return { ...previous, keys, loadedAt: at };
    const documents = buildIssuerDocuments(previous.issuer, published.map((k) => k.publicJwk as unknown as PublicJwk), policy.jwksMaxAgeSeconds);
    return { ...previous, keys, documents, loadedAt: at };
  }

  private build(tenantId: string, keys: SigningKeyRecord[]): TenantKeys {
    const { masterKey, issuerUrls, policy, now } = this.options;
    const at = now();
    const issuer = issuerUrls().issuerFor(tenantId);
    const active = activeKey(keys);
    let signer: TokenSigner | undefined;
    let signerError: Error | undefined;
    try {
      signer =
        active === undefined
          ? undefined
          : active.kmsKeyArn !== null
            ? this.kms().signer(tenantId, active)
          : createTokenSigner(
              active.kid,
              active.algorithm as SigningAlgorithm,
              openPrivateKey(masterKey, active.sealedPrivateKey, { tenantId, kid: active.kid }),
              this.options.signingWorker,
            );
    } catch (error) {
      // The public keys do not depend on the master key: keep publishing them, refuse only to sign.
      signerError = error instanceof Error ? error : new Error(String(error));
    }
    const published = publishedKeys(keys, at, policy).map((k) => k.publicJwk as unknown as PublicJwk);
    const documents = buildIssuerDocuments(issuer, published, policy.jwksMaxAgeSeconds);
    return { tenantId, issuer, signer, documents, keys, loadedAt: at, ...(signerError ? { signerError } : {}) };
  }

  private kms(): KmsKeyCustody {
    if (this.options.kms === undefined) {
      throw new UnavailableError('kms_not_configured', 'A signing key is held in AWS KMS, but KMS custody is not configured (ROLEBRIDGE_KMS_REGION).');
    }
    return this.options.kms;
  }

  /** The custody new keys get. */
  get custody(): KeyCustodyKind {
    return this.options.custody ?? 'local';
  }

  /**
   * The discovery and JWKS bytes of a tenant straight from the database, without opening any private key:
   * what `rolebridge publish` writes, byte for byte what the server serves.
   */
  async documentsFromStore(tenantId: string): Promise<IssuerDocuments> {
    const { store, issuerUrls, policy, now } = this.options;
    const keys = await store.signingKeys.listForTenant(tenantId);
    const issuer = issuerUrls().issuerFor(tenantId);
    const published = publishedKeys(keys, now(), policy).map((k) => k.publicJwk as unknown as PublicJwk);
    return buildIssuerDocuments(issuer, published, policy.jwksMaxAgeSeconds);
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
      custody: k.kmsKeyArn === null ? 'local' : 'kms',
      ...(k.kmsKeyArn === null ? {} : { kmsKeyArn: k.kmsKeyArn }),
    }));
  }

  /** The first keys of a new tenant, written in the caller's transaction (keys generated beforehand). */
  async createInitialKeys(tx: Repositories, tenantId: string, pairs: NewSigningKey[]): Promise<Array<Record<string, string>>> {
    const plan = planNewTenantKeys();
    const { created } = await this.apply(tx, tenantId, [], plan, pairs);
    return describeActions(plan, created);
  }

  /**
   * Makes as many keys as a plan of `count` creations needs (before any transaction), in the configured
   * custody: generated here, or created in KMS (tagged with the tenant and kid).
   */
  async generate(tenantId: string, algorithm: SigningAlgorithm, count: number): Promise<NewSigningKey[]> {
    if (this.custody === 'kms') {
      const kms = this.kms();
      return Promise.all(Array.from({ length: count }, () => kms.createKey(tenantId, algorithm)));
    }
    return Promise.all(Array.from({ length: count }, () => generateSigningKey(algorithm)));
  }

  /** KMS keys made for a change that did not commit are scheduled for deletion, not left behind. */
  async discard(keys: readonly NewSigningKey[]): Promise<void> {
    const orphans = keys.filter((k): k is KmsSigningKey => 'kmsKeyArn' in k).map((k) => ({ keyArn: k.kmsKeyArn, disable: false, scheduleDeletion: true }));
    await this.followUp(orphans);
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
    promotion?: PromotionRequest,
  ): Promise<KeyAction[]> {
    const { store, now } = this.options;
    const before = await store.signingKeys.listForTenant(tenantId);
    const preview = plan(before, now());
    if (preview.length === 0) return preview;
    const promoted = preview.flatMap((a) => (a.type === 'activate' ? [a.kid] : []));
    let checks: Record<string, unknown> | undefined;
    if (promotion !== undefined && promoted.length > 0) {
      const issuer = this.options.issuerUrls().issuerFor(tenantId);
      if (this.options.publishedCheck) await this.options.publishedCheck(issuer, promoted);
      if (this.options.promotionCheck) {
        checks = await this.options.promotionCheck({
          tenantId,
          issuer,
          nextKid: promoted[0] as string,
          activeKid: activeKey(before)?.kid,
          ...promotion,
        });
      }
    }
    const pairs = await this.generate(tenantId, algorithm, preview.filter((a) => a.type === 'create').length);
    let followUps: KmsFollowUp[] = [];
    let used = 0;
    let actions: KeyAction[];
    try {
      actions = await store.transaction(async (tx) => {
        // One writer per tenant's keys across replicas: two rotations at once make exactly one next key.
        await tx.signingKeys.lockTenant(tenantId);
        const keys = await tx.signingKeys.listForTenant(tenantId);
        const actions = plan(keys, now());
        if (actions.filter((a) => a.type === 'create').length > pairs.length) {
          throw new ConflictError('concurrent_key_change', 'The keys changed while this change was prepared; retry.');
        }
        const applied = await this.apply(tx, tenantId, keys, actions, pairs);
        followUps = applied.followUps;
        used = applied.created.length;
        if (actions.length > 0) await audit(tx, describeActions(actions, applied.created), checks);
        return actions;
      });
    } catch (error) {
      await this.discard(pairs);
      throw error;
    }
    await this.discard(pairs.slice(used));
    await this.followUp(followUps);
    if (actions.length > 0) await this.load(tenantId);
    return actions;
  }

  rotate(tenantId: string, algorithm: SigningAlgorithm, audit: KeyChangeRecorder, promotion: PromotionRequest): Promise<KeyAction[]> {
    return this.change(tenantId, algorithm, (keys, now) => planManualRotation(keys, now, this.options.policy), audit, promotion);
  }

  revoke(
    tenantId: string,
    algorithm: SigningAlgorithm,
    kid: string,
    audit: KeyChangeRecorder,
  ): Promise<KeyAction[]> {
    return this.change(tenantId, algorithm, (keys) => planRevoke(keys, kid), audit);
  }

  maintain(tenantId: string, algorithm: SigningAlgorithm, audit: KeyChangeRecorder, promotion: PromotionRequest): Promise<KeyAction[]> {
    return this.change(tenantId, algorithm, (keys, now) => planScheduledMaintenance(keys, now, this.options.policy), audit, promotion);
  }

  /**
   * A signer for one of the tenant's published keys, whatever its state: the rotation canary signs with the next
   * key before it may sign anything else. Local keys sign inline (not on the signing thread: a probe is rare).
   */
  async signerForKey(tenantId: string, kid: string): Promise<TokenSigner> {
    const record = (await this.options.store.signingKeys.listForTenant(tenantId)).find((k) => k.kid === kid && keyState(k) !== 'revoked');
    if (record === undefined) throw new NotFoundError('signing_key_not_found', `Tenant ${tenantId} has no published signing key ${kid}.`, { kid });
    if (record.kmsKeyArn !== null) return this.kms().signer(tenantId, record);
    const privateKey = openPrivateKey(this.options.masterKey, record.sealedPrivateKey, { tenantId, kid });
    return createTokenSigner(kid, record.algorithm as SigningAlgorithm, privateKey);
  }

  /** The signer of a tenant, or 503 when it has none (all keys revoked and none created yet). */
  signerOf(keys: TenantKeys): TokenSigner {
    if (keys.signerError !== undefined) {
      throw new UnavailableError('signing_key_unreadable', `Tenant ${keys.tenantId} cannot sign tokens now: its signing key cannot be opened (see /readyz).`);
    }
    if (keys.signer === undefined) throw new UnavailableError('no_signing_key', `Tenant ${keys.tenantId} has no active signing key.`);
    return keys.signer;
  }

  /**
   * Inside the key change's transaction: this server's master key is still the database's, and no rewrap is
   * moving the keys to another one. A database without a verifier yet gets this key's (the first key change).
   */
  private async holdMasterKey(tx: Repositories): Promise<void> {
    const recorded = await tx.masterKeyVerifier.get();
    if (recorded === undefined) {
      await tx.masterKeyVerifier.initialize(this.verifier, new Date(this.options.now()).toISOString());
      return;
    }
    if (!(await tx.masterKeyVerifier.holdForKeyChange(this.verifier))) {
      throw new UnavailableError(
        'master_key_changed',
        'The signing keys are sealed under another master key now (a rewrap ran or is running); restart this server with the current ROLEBRIDGE_MASTER_KEY.',
      );
    }
  }

  /**
   * A retired KMS key is disabled (it signs no more; its public key stays published from the database); a key
   * that left the JWKS (retention over, or revoked) is scheduled for deletion. Failures are reported, not thrown:
   * the change itself is committed.
   */
  private async followUp(followUps: readonly KmsFollowUp[]): Promise<void> {
    if (followUps.length === 0) return;
    const kms = this.kms();
    for (const { keyArn, disable, scheduleDeletion } of followUps) {
      try {
        if (disable) await kms.disableKey(keyArn);
        if (scheduleDeletion) await kms.scheduleDeletion(keyArn);
      } catch (error) {
        this.options.onBackgroundError?.(error, `KMS follow-up for ${keyArn}`);
      }
    }
  }

  private async apply(
    tx: Repositories,
    tenantId: string,
    keys: readonly SigningKeyRecord[],
    actions: readonly KeyAction[],
    pairs: NewSigningKey[],
  ): Promise<{ created: string[]; followUps: KmsFollowUp[] }> {
    await this.holdMasterKey(tx);
    const at = this.options.now();
    const created: string[] = [];
    const followUps: KmsFollowUp[] = [];
    const kmsArnOf = (kid: string): string | null => keys.find((k) => k.kid === kid)?.kmsKeyArn ?? null;
    const follow = (kid: string, disable: boolean, scheduleDeletion: boolean): void => {
      const keyArn = kmsArnOf(kid);
      if (keyArn !== null) followUps.push({ keyArn, disable, scheduleDeletion });
    };
    let pairIndex = 0;
    // Creations get strictly increasing times so JWKS order (by creation) follows plan order.
    let createdAt = Math.max(at, ...keys.map((k) => k.createdAt + 1));
    for (const action of actions) {
      switch (action.type) {
        case 'create': {
          const pair = pairs[pairIndex++] as NewSigningKey;
          const context = { tenantId, kid: pair.kid };
          const sealedPrivateKey = 'privateKey' in pair ? sealPrivateKey(this.options.masterKey, pair.privateKey, context) : '';
          // Never commit a key that cannot be opened again: open it before the row is written.
          if ('privateKey' in pair) openPrivateKey(this.options.masterKey, sealedPrivateKey, context);
          await tx.signingKeys.insert({
            tenantId,
            kid: pair.kid,
            algorithm: pair.algorithm,
            publicJwk: pair.publicJwk as unknown as Record<string, unknown>,
            sealedPrivateKey,
            kmsKeyArn: 'kmsKeyArn' in pair ? pair.kmsKeyArn : null,
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
          follow(action.kid, true, false);
          break;
        case 'revoke':
          await tx.signingKeys.setTimes(tenantId, action.kid, { revokedAt: at });
          follow(action.kid, true, true);
          break;
        case 'remove':
          await tx.signingKeys.remove(tenantId, action.kid);
          follow(action.kid, false, true);
          break;
      }
    }
    return { created, followUps };
  }
}
