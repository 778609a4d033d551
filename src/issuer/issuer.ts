import type { Registry } from 'prom-client';
import { ConflictError, InvalidInputError, NotFoundError, RolebridgeError } from '../core/index.js';
import { hashSecret, type AuditAction, type ChangeEvent, type Repositories, type Store, type TenantRecord, type TokenConfigRecord, type WorkloadRecord } from '../store/index.js';
import { AuditBuffer } from './audit_buffer.js';
import type { IssuerDocuments } from './issuer_documents.js';
import { registerIssuerMetrics } from './issuer_metrics.js';
import { parseIssuerTemplate, type IssuerUrls } from './issuer_url.js';
import { KeyRing, type KeyCustodyKind, type SigningKeyView } from './key_ring.js';
import type { KeyPromotionCheck } from './key_promotion.js';
import type { KmsKeyCustody } from './kms_key_custody.js';
import { publishedFiles, type PublishedFile } from './issuer_publication.js';
import type { RotationPolicy } from './key_rotation.js';
import { sessionTagsToInput, type SessionTagsInput } from './session_tags.js';
import { assertSigningAlgorithm, DEFAULT_SIGNING_ALGORITHM, type SigningAlgorithm } from './signing_key.js';
import { SigningWorker } from './signing_worker.js';
import { assertSubjectValue, canRenderSubject, renderSubjectTemplate } from './subject_template.js';
import { assertTenantId, isTenantId } from './tenant_id.js';
import { compileTokenConfig, type TokenConfigInput } from './token_config.js';
import { subjectValuesOf, TokenIssuer, type IssuedToken, type TokenPreview } from './token_issuer.js';
import { newWorkloadId, newWorkloadSecret } from './workload_credentials.js';

export type { IssuedToken, TokenPreview } from './token_issuer.js';

/** `POST …/token-configs/{name}/preview`: a workload and optional draft values of the config. */
export interface TokenPreviewInput {
  workload: string;
  subjectTemplate?: string;
  audience?: string;
  claims?: Record<string, unknown>;
  sessionTags?: SessionTagsInput;
}

/**
 * `PATCH …/token-configs/{name}`: the settings to change (the name stays). `sessionTags: null` removes them.
 */
export interface TokenConfigPatch {
  audience?: string;
  subjectTemplate?: string;
  lifetimeSeconds?: number;
  claims?: Record<string, unknown>;
  sessionTags?: SessionTagsInput | null;
}

/**
 * Runs after a patch is validated and before it is written: may refuse it (throw), and returns what the
 * audit event should add (e.g. that a subject change was forced past the connections it breaks).
 */
export type TokenConfigChangeGuard = (change: { before: TokenConfigView; after: TokenConfigView }) => Promise<Record<string, unknown> | undefined>;

export interface TenantView {
  id: string;
  name: string;
  issuer: string;
  signingAlgorithm: SigningAlgorithm;
  createdAt: string;
}

export interface TokenConfigView {
  name: string;
  audience: string;
  subjectTemplate: string;
  lifetimeSeconds: number;
  claims: Record<string, unknown>;
  sessionTags: SessionTagsInput | null;
  createdAt: string;
}

export interface WorkloadView {
  id: string;
  deployment: string;
  component: string;
  region: string | null;
  /** The `sub` its tokens carry under the tenant's default token config; null when there is none. */
  subject: string | null;
  createdAt: string;
  /** When it was disabled (its secret no longer works); null while enabled. */
  disabledAt: string | null;
}


export interface IssuerOptions {
  store: Store;
  masterKey: Buffer;
  /**
   * ROLEBRIDGE_ISSUER_TEMPLATE, read on use: a server listening on port 0 learns its port (and so its
   * default issuer) only after it is built.
   */
  issuerTemplate: () => string;
  policy: RotationPolicy;
  now: () => number;
  /** prom-client registry for `rolebridge_tokens_issued_total` and `rolebridge_signing_key_age_seconds`. */
  registry?: Registry;
  /** Where background failures (audit flush, scheduled rotation) are reported. */
  onBackgroundError?: (error: unknown, what: string) => void;
  /** In-memory caches of token configs are re-read after this long (another replica may have written). */
  cacheTtlMs?: number;
  /** The most `token.issued` events not yet durable (AuditBuffer); default DEFAULT_AUDIT_BUFFER_LIMIT. */
  auditBufferLimit?: number;
  /**
   * `worker` (default): token signatures are made on a dedicated thread fed in batches; `inline`: on the
   * request's thread. `npm run bench` measures both.
   */
  signing?: 'worker' | 'inline';
  /** ROLEBRIDGE_KEY_CUSTODY: where new signing keys are made (default `local`). */
  custody?: KeyCustodyKind;
  /** AWS KMS, for custody `kms` and for any stored key held there. */
  kms?: KmsKeyCustody;
  /** Static publication: rotations check the published copy first (see published_jwks_check). */
  publishedCheck?: (issuer: string, kids: readonly string[]) => Promise<void>;
  /** The rotation canary (built by the doctor, joined in runtime): AWS must accept the next key before it signs. */
  promotionCheck?: KeyPromotionCheck;
}

const TENANT_NAME_MAX = 200;

/** The audit actor of scheduled key maintenance. */
const KEY_SCHEDULER_ACTOR = 'system:key-scheduler';

/**
 * The multi-tenant OIDC issuer: tenants and their keys, token configs, workloads, tokens, discovery and
 * JWKS. Admin changes are validated completely before the first write, and written with their audit
 * event in one transaction. Issuing a token reads nothing from the database when caches are warm.
 */
export class Issuer {
  readonly keyRing: KeyRing;
  private readonly tenants = new Map<string, TenantRecord>();
  private readonly auditBuffer: AuditBuffer;
  private readonly tokens: TokenIssuer;
  private scheduler: NodeJS.Timeout | undefined;

  private urls: IssuerUrls;

  private readonly signingWorker: SigningWorker | undefined;

  constructor(private readonly options: IssuerOptions) {
    this.urls = parseIssuerTemplate(options.issuerTemplate());
    this.signingWorker = (options.signing ?? 'worker') === 'worker' ? new SigningWorker() : undefined;
    this.keyRing = new KeyRing({
      ...options,
      issuerUrls: () => this.issuerUrls,
      ...(this.signingWorker ? { signingWorker: this.signingWorker } : {}),
    });
    const report = options.onBackgroundError ?? (() => undefined);
    this.auditBuffer = new AuditBuffer(options.store, (error) => report(error, 'audit flush'), options.auditBufferLimit);
    const countToken = options.registry ? registerIssuerMetrics(options.registry, this.keyRing, options.now) : undefined;
    this.tokens = new TokenIssuer({
      store: options.store,
      keyRing: this.keyRing,
      auditBuffer: this.auditBuffer,
      now: options.now,
      cacheTtlMs: options.cacheTtlMs ?? 30_000,
      ...(countToken ? { countToken } : {}),
    });
  }

  issuerFor(tenantId: string): string {
    return this.issuerUrls.issuerFor(tenantId);
  }

  /** The parsed issuer template; when it changes, everything built from the old issuer is dropped. */
  get issuerUrls(): IssuerUrls {
    const template = this.options.issuerTemplate();
    if (template !== this.urls.template) {
      this.urls = parseIssuerTemplate(template);
      this.keyRing.forgetAll();
      this.tokens.invalidate();
    }
    return this.urls;
  }

  // ── tenants ────────────────────────────────────────────────────────────────────────────────────

  async createTenant(input: { id: string; name: string; signingAlgorithm?: string }, actor: string, requestId?: string): Promise<TenantView> {
    const id = assertTenantId(input.id);
    const name = input.name.trim();
    if (name.length === 0 || name.length > TENANT_NAME_MAX) {
      throw new InvalidInputError('invalid_tenant_name', `A tenant name is 1–${TENANT_NAME_MAX} characters.`);
    }
    const algorithm = assertSigningAlgorithm(input.signingAlgorithm ?? DEFAULT_SIGNING_ALGORITHM);
    const { store, now } = this.options;
    if (await store.tenants.find(id)) throw new ConflictError('tenant_exists', `Tenant ${id} already exists; tenant ids are never reused.`, { tenantId: id });
    const pairs = await this.keyRing.generate(id, algorithm, 2);
    const tenant: TenantRecord = { id, name, signingAlgorithm: algorithm, createdAt: new Date(now()).toISOString() };
    await store
      .transaction(async (tx) => {
      if (await tx.tenants.find(id)) throw new ConflictError('tenant_exists', `Tenant ${id} already exists.`, { tenantId: id });
      await tx.tenants.insert(tenant);
      const actions = await this.keyRing.createInitialKeys(tx, id, pairs);
      await tx.audit.record({
        tenantId: id,
        actor,
        action: 'tenant.created',
        target: id,
        ...(requestId ? { requestId } : {}),
        details: { name, signingAlgorithm: algorithm, keys: actions, custody: this.keyRing.custody },
      });
    })
      .catch(async (error: unknown) => {
        await this.keyRing.discard(pairs);
        throw error;
      });
    this.tenants.set(id, tenant);
    await this.keyRing.load(id);
    return this.tenantView(tenant);
  }

  async getTenant(id: string): Promise<TenantView> {
    return this.tenantView(await this.requireTenant(id));
  }

  /** Every tenant, by id (the route narrows it to what the caller's roles reach). */
  async listTenants(): Promise<TenantView[]> {
    return (await this.options.store.tenants.list()).map((tenant) => this.tenantView(tenant));
  }

  private tenantView(tenant: TenantRecord): TenantView {
    return {
      id: tenant.id,
      name: tenant.name,
      issuer: this.issuerFor(tenant.id),
      signingAlgorithm: tenant.signingAlgorithm as SigningAlgorithm,
      createdAt: tenant.createdAt,
    };
  }

  /** Tenants are immutable, so a found tenant is cached for good. */
  async findTenant(id: string): Promise<TenantRecord | undefined> {
    // Not a tenant id (a NUL byte, a slash, 5,000 characters) names no tenant: no query (PostgreSQL refuses NULs).
    if (!isTenantId(id)) return undefined;
    const cached = this.tenants.get(id);
    if (cached) return cached;
    const tenant = await this.options.store.tenants.find(id);
    if (tenant) this.tenants.set(id, tenant);
    return tenant;
  }

  async requireTenant(id: string): Promise<TenantRecord> {
    const tenant = await this.findTenant(id);
    if (!tenant) throw new NotFoundError('tenant_not_found', `No tenant ${id}.`, { tenantId: id });
    return tenant;
  }

  // ── discovery + JWKS ───────────────────────────────────────────────────────────────────────────

  /** The prebuilt documents if the tenant's keys are in memory (the warm, synchronous path). */
  cachedDocuments(tenantId: string): IssuerDocuments | undefined {
    return this.keyRing.peek(tenantId)?.documents;
  }

  /** The tenant's prebuilt discovery and JWKS bytes; 404 `tenant_not_found` for an unknown tenant. */
  async documents(tenantId: string): Promise<IssuerDocuments> {
    const warm = this.keyRing.peek(tenantId);
    if (warm) return warm.documents;
    await this.requireTenant(tenantId);
    return (await this.keyRing.get(tenantId)).documents;
  }

  /**
   * The static files of every tenant's issuer (or one tenant's), read from the database without opening any
   * private key: discovery and JWKS byte for byte as the server serves them (see `rolebridge publish`).
   */
  async publicationFiles(tenantId?: string): Promise<PublishedFile[]> {
    const tenants = tenantId === undefined ? (await this.options.store.tenants.list()).map((t) => t.id) : [(await this.requireTenant(tenantId)).id];
    const mode = this.issuerUrls.mode;
    const files: PublishedFile[] = [];
    for (const id of tenants) files.push(...publishedFiles(id, await this.keyRing.documentsFromStore(id), mode));
    return files;
  }

  // ── keys ───────────────────────────────────────────────────────────────────────────────────────

  async listKeys(tenantId: string): Promise<SigningKeyView[]> {
    await this.requireTenant(tenantId);
    return this.keyRing.view(await this.options.store.signingKeys.listForTenant(tenantId));
  }

  async rotateKeys(tenantId: string, actor: string, requestId?: string): Promise<SigningKeyView[]> {
    const tenant = await this.requireTenant(tenantId);
    await this.keyRing.rotate(
      tenantId,
      tenant.signingAlgorithm as SigningAlgorithm,
      (tx, actions, checks) => this.recordKeyChange(tx, tenantId, actor, 'signing_key.rotated', actions, requestId, checks),
      { trigger: 'rotate', actor, ...(requestId ? { requestId } : {}) },
    );
    return this.listKeys(tenantId);
  }

  async revokeKey(tenantId: string, kid: string, actor: string, requestId?: string): Promise<SigningKeyView[]> {
    const tenant = await this.requireTenant(tenantId);
    await this.keyRing.revoke(tenantId, tenant.signingAlgorithm as SigningAlgorithm, kid, (tx, actions) =>
      this.recordKeyChange(tx, tenantId, actor, 'signing_key.revoked', actions, requestId),
    );
    return this.listKeys(tenantId);
  }

  /**
   * `/readyz`: every tenant that has keys can sign. A key sealed under another master key, or a tenant left
   * without an active key, makes the server not ready instead of failing each token request in silence.
   */
  async signingReadiness(): Promise<{ name: string; ok: boolean; detail?: Record<string, unknown> }> {
    const unable: string[] = [];
    for (const tenantId of await this.options.store.signingKeys.tenantIds()) {
      try {
        const keys = await this.keyRing.get(tenantId);
        if (keys.signerError !== undefined || keys.signer === undefined) unable.push(tenantId);
      } catch {
        unable.push(tenantId);
      }
    }
    if (unable.length === 0) return { name: 'signing', ok: true };
    return { name: 'signing', ok: false, detail: { tenantsUnableToSign: unable.slice(0, 20), count: unable.length } };
  }

  /** One scheduled pass over every tenant: remove expired keys, rotate due ones, keep a next key. */
  async runKeyMaintenance(): Promise<void> {
    for (const tenantId of await this.options.store.signingKeys.tenantIds()) {
      const tenant = await this.findTenant(tenantId);
      if (!tenant) continue;
      try {
        await this.keyRing.maintain(
          tenantId,
          tenant.signingAlgorithm as SigningAlgorithm,
          (tx, actions, checks) => this.recordKeyChange(tx, tenantId, KEY_SCHEDULER_ACTOR, 'signing_key.maintained', actions, undefined, checks),
          { trigger: 'schedule', actor: KEY_SCHEDULER_ACTOR },
        );
      } catch (error) {
        (this.options.onBackgroundError ?? (() => undefined))(error, `key maintenance of ${tenantId}`);
      }
    }
  }

  /**
   * Runs key maintenance now and then every `intervalMs` until `close()`. With `claim` (many replicas), each
   * tick first asks the cluster for the interval, checking every quarter interval, so one replica maintains
   * per interval and a replica that died is replaced within the next.
   */
  startKeyScheduler(intervalMs = 60_000, claim?: () => Promise<boolean>): void {
    if (this.scheduler) return;
    const tick = (): void => {
      if (claim === undefined) {
        void this.runKeyMaintenance();
        return;
      }
      claim().then(
        (mine) => (mine ? this.runKeyMaintenance() : undefined),
        (error: unknown) => (this.options.onBackgroundError ?? (() => undefined))(error, 'key maintenance claim'),
      );
    };
    tick();
    this.scheduler = setInterval(tick, claim === undefined ? intervalMs : Math.max(250, Math.floor(intervalMs / 4)));
    this.scheduler.unref();
  }

  /**
   * Another replica wrote (see the store's change feed): rebuild what this one holds from the rows changed.
   * Keys are read again at once (a revoked key must stop signing everywhere within 2 s); token configs are
   * dropped and read on next use.
   */
  onClusterChange(event: ChangeEvent): void {
    const report = this.options.onBackgroundError ?? (() => undefined);
    if (event.topic === 'resync') {
      void this.keyRing.refreshAll();
      this.tokens.invalidate();
    } else if (event.topic === 'signing_keys' && event.tenantId !== null) {
      this.keyRing.refresh(event.tenantId).catch((error: unknown) => report(error, `reloading the keys of ${event.tenantId}`));
    } else if (event.topic === 'token_configs' && event.tenantId !== null) {
      this.tokens.invalidate(event.tenantId);
    }
  }

  private async recordKeyChange(
    tx: Repositories,
    tenantId: string,
    actor: string,
    action: AuditAction,
    actions: Array<Record<string, string>>,
    requestId?: string,
    checks?: Record<string, unknown>,
  ): Promise<void> {
    await tx.audit.record({
      tenantId,
      actor,
      action,
      target: tenantId,
      ...(requestId ? { requestId } : {}),
      details: { actions, ...checks },
    });
  }

  /**
   * `/readyz`'s key-custody check: with KMS keys in use, each loaded tenant's signing key is described in
   * KMS (at most every 30 s) and tenants whose key is disabled or deleted are named. Degraded, not down:
   * the other tenants are served.
   */
  async keyCustodyReadiness(): Promise<{ name: string; ok: boolean; degraded?: boolean; detail: Record<string, unknown> }> {
    const kms = this.options.kms;
    const custody = this.keyRing.custody;
    if (kms === undefined) return { name: 'key_custody', ok: true, detail: { custody } };
    await Promise.all(
      this.keyRing.loadedTenants().map(async (loaded) => {
        const active = loaded.keys.find((k) => k.kid === loaded.signer?.kid);
        if (active?.kmsKeyArn) await kms.checkKey(loaded.tenantId, active, this.options.now());
      }),
    );
    const failing = kms.failingTenants().map(({ tenantId, kid, code }) => ({ tenant: tenantId, kid, code }));
    return { name: 'key_custody', ok: true, ...(failing.length > 0 ? { degraded: true } : {}), detail: { custody, failingTenants: failing } };
  }

  // ── token configs ──────────────────────────────────────────────────────────────────────────────

  async createTokenConfig(tenantId: string, input: TokenConfigInput, actor: string, requestId?: string): Promise<TokenConfigView> {
    await this.requireTenant(tenantId);
    const compiled = compileTokenConfig(input);
    const at = new Date(this.options.now()).toISOString();
    const record: TokenConfigRecord = {
      tenantId,
      name: compiled.name,
      ...storedSettings(compiled),
      createdAt: at,
      updatedAt: at,
    };
    await this.options.store.transaction(async (tx) => {
      if (await tx.tokenConfigs.find(tenantId, compiled.name)) {
        throw new ConflictError('token_config_exists', `Tenant ${tenantId} already has a token config named ${compiled.name}.`, { name: compiled.name });
      }
      await tx.tokenConfigs.insert(record);
      await tx.audit.record({
        tenantId,
        actor,
        action: 'token_config.created',
        target: compiled.name,
        ...(requestId ? { requestId } : {}),
        details: { audience: record.audience, subjectTemplate: record.subjectTemplate, lifetimeSeconds: record.lifetimeSeconds },
      });
    });
    this.tokens.invalidate(tenantId);
    return tokenConfigView(record);
  }

  /**
   * The claims a token of this config would carry for a workload (see TokenIssuer.preview). Overrides make a
   * draft of the stored config, validated exactly as a save is, so a change can be seen before it is made.
   */
  async previewToken(tenantId: string, name: string, input: TokenPreviewInput): Promise<TokenPreview> {
    await this.requireTenant(tenantId);
    const { store } = this.options;
    const record = await store.tokenConfigs.find(tenantId, name);
    if (!record) throw new NotFoundError('token_config_not_found', `Tenant ${tenantId} has no token config named ${name}.`, { tokenConfig: name });
    const workload = await store.workloads.find(tenantId, input.workload);
    if (!workload) throw new NotFoundError('workload_not_found', `Tenant ${tenantId} has no workload ${input.workload}.`, { workload: input.workload });
    const sessionTags = input.sessionTags ?? record.sessionTags;
    const draft = compileTokenConfig({
      name: record.name,
      audience: input.audience ?? record.audience,
      subjectTemplate: input.subjectTemplate ?? record.subjectTemplate,
      lifetimeSeconds: record.lifetimeSeconds,
      claims: input.claims ?? record.claims,
      ...(sessionTags === null ? {} : { sessionTags }),
    });
    void this.issuerUrls; // as issueToken: caches built for an old issuer template are dropped first
    return this.tokens.preview(workload, draft);
  }

  /**
   * Changes a token config's settings. The merged config is validated as a create is (same 400 codes), then
   * `guard` decides (the subject-change check runs real exchanges there, outside the transaction), then the
   * row and its audit event are written together. Tokens issued from then on carry the new settings.
   */
  async updateTokenConfig(
    tenantId: string,
    name: string,
    patch: TokenConfigPatch,
    actor: string,
    options: { requestId?: string; guard?: TokenConfigChangeGuard } = {},
  ): Promise<TokenConfigView> {
    await this.requireTenant(tenantId);
    const { store } = this.options;
    const stored = await store.tokenConfigs.find(tenantId, name);
    if (!stored) throw new NotFoundError('token_config_not_found', `Tenant ${tenantId} has no token config named ${name}.`, { tokenConfig: name });
    const sessionTags = patch.sessionTags === undefined ? stored.sessionTags : patch.sessionTags;
    const compiled = compileTokenConfig({
      name: stored.name,
      audience: patch.audience ?? stored.audience,
      subjectTemplate: patch.subjectTemplate ?? stored.subjectTemplate,
      lifetimeSeconds: patch.lifetimeSeconds ?? stored.lifetimeSeconds,
      claims: patch.claims ?? stored.claims,
      ...(sessionTags === null ? {} : { sessionTags }),
    });
    const record: TokenConfigRecord = {
      ...stored,
      ...storedSettings(compiled),
      updatedAt: new Date(this.options.now()).toISOString(),
    };
    const before = tokenConfigView(stored);
    const after = tokenConfigView(record);
    const guardDetails = (await options.guard?.({ before, after })) ?? {};
    const changed = (['audience', 'subjectTemplate', 'lifetimeSeconds', 'claims', 'sessionTags'] as const).filter(
      (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
    );
    await store.transaction(async (tx) => {
      if (!(await tx.tokenConfigs.update(record))) {
        throw new NotFoundError('token_config_not_found', `Tenant ${tenantId} has no token config named ${name}.`, { tokenConfig: name });
      }
      await tx.audit.record({
        tenantId,
        actor,
        action: 'token_config.updated',
        target: name,
        ...(options.requestId ? { requestId: options.requestId } : {}),
        details: {
          changed,
          ...(changed.includes('subjectTemplate') ? { subjectTemplate: { from: before.subjectTemplate, to: after.subjectTemplate } } : {}),
          ...(changed.includes('audience') ? { audience: { from: before.audience, to: after.audience } } : {}),
          ...guardDetails,
        },
      });
    });
    this.tokens.invalidate(tenantId);
    return after;
  }

  async listTokenConfigs(tenantId: string): Promise<TokenConfigView[]> {
    await this.requireTenant(tenantId);
    return (await this.options.store.tokenConfigs.list(tenantId)).map(tokenConfigView);
  }

  // ── workloads ──────────────────────────────────────────────────────────────────────────────────

  async createWorkload(
    tenantId: string,
    input: { deployment: string; component: string; region?: string | null },
    actor: string,
    requestId?: string,
  ): Promise<WorkloadView & { secret: string }> {
    await this.requireTenant(tenantId);
    const deployment = assertSubjectValue('deployment', input.deployment);
    const component = assertSubjectValue('component', input.component);
    const region = input.region === undefined || input.region === null ? null : assertSubjectValue('region', input.region);
    const secret = newWorkloadSecret();
    const record: WorkloadRecord = {
      id: newWorkloadId(),
      tenantId,
      deployment,
      component,
      region,
      secretHash: hashSecret(secret),
      createdAt: new Date(this.options.now()).toISOString(),
      disabledAt: null,
    };
    await this.options.store.transaction(async (tx) => {
      if (await tx.workloads.findByIdentity(tenantId, deployment, component, region)) {
        throw new ConflictError('workload_exists', 'A workload with this deployment, component and region already exists.', {
          deployment,
          component,
          region,
        });
      }
      await tx.workloads.insert(record);
      await tx.audit.record({
        tenantId,
        actor,
        action: 'workload.created',
        target: record.id,
        ...(requestId ? { requestId } : {}),
        details: { deployment, component, region },
      });
    });
    return { ...(await this.workloadView(record)), secret };
  }

  /**
   * Disables a workload for good: its secret stops working (tokens and credentials already issued live until
   * they expire). Disabling a disabled workload changes nothing and answers it as it is.
   */
  async disableWorkload(tenantId: string, id: string, actor: string, requestId?: string): Promise<WorkloadView> {
    await this.requireTenant(tenantId);
    const at = new Date(this.options.now()).toISOString();
    const record = await this.options.store.transaction(async (tx) => {
      const found = await tx.workloads.find(tenantId, id);
      if (!found) throw new NotFoundError('workload_not_found', `Tenant ${tenantId} has no workload ${id}.`, { workload: id });
      if (found.disabledAt !== null) return found;
      await tx.workloads.disable(tenantId, id, at);
      await tx.audit.record({
        tenantId,
        actor,
        action: 'workload.disabled',
        target: id,
        ...(requestId ? { requestId } : {}),
        details: { deployment: found.deployment, component: found.component, region: found.region },
      });
      return { ...found, disabledAt: at };
    });
    return this.workloadView(record);
  }

  /** The workload's record (what the broker takes), for an operator acting as it: the database-auth check. */
  async requireWorkload(tenantId: string, id: string): Promise<WorkloadRecord> {
    await this.requireTenant(tenantId);
    const found = await this.options.store.workloads.find(tenantId, id);
    if (!found) throw new NotFoundError('workload_not_found', `Tenant ${tenantId} has no workload ${id}.`, { workload: id });
    return found;
  }

  async listWorkloads(tenantId: string): Promise<WorkloadView[]> {
    await this.requireTenant(tenantId);
    const records = await this.options.store.workloads.list(tenantId);
    return Promise.all(records.map((r) => this.workloadView(r)));
  }

  private async workloadView(workload: WorkloadRecord): Promise<WorkloadView> {
    const config = await this.tokens.defaultConfig(workload.tenantId);
    const values = subjectValuesOf(workload);
    let subject: string | null = null;
    if (config && canRenderSubject(config.subjectTemplate, values)) {
      try {
        subject = renderSubjectTemplate(config.subjectTemplate, values);
      } catch (error) {
        if (!(error instanceof RolebridgeError)) throw error;
      }
    }
    return {
      id: workload.id,
      deployment: workload.deployment,
      component: workload.component,
      region: workload.region,
      subject,
      createdAt: workload.createdAt,
      disabledAt: workload.disabledAt,
    };
  }

  // ── tokens ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Issues a token for an authenticated workload, from the workload's own tenant (see TokenIssuer).
   */
  issueToken(workload: WorkloadRecord, request: { tokenConfig?: string; audience?: string }, requestId?: string): Promise<IssuedToken> {
    void this.issuerUrls; // drops caches built for an old issuer template (a port learnt after listen)
    return this.tokens.issue(workload, request, requestId);
  }

  /** Writes buffered audit events now (tests, shutdown). */
  flushAudit(): Promise<void> {
    return this.auditBuffer.flush();
  }

  async close(): Promise<void> {
    if (this.scheduler) clearInterval(this.scheduler);
    this.scheduler = undefined;
    await this.auditBuffer.close(); // tokens still being signed (a request whose caller left) are audited too
    await this.signingWorker?.close();
    this.options.kms?.close();
  }
}

function tokenConfigView(record: TokenConfigRecord): TokenConfigView {
  return {
    name: record.name,
    audience: record.audience,
    subjectTemplate: record.subjectTemplate,
    lifetimeSeconds: record.lifetimeSeconds,
    claims: record.claims,
    sessionTags: record.sessionTags
      ? {
          principalTags: record.sessionTags.principalTags,
          ...(record.sessionTags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: record.sessionTags.transitiveTagKeys } : {}),
        }
      : null,
    createdAt: record.createdAt,
  };
}

/** The settings of a token config as its row stores them (create and update write the same columns). */
function storedSettings(compiled: ReturnType<typeof compileTokenConfig>): Pick<TokenConfigRecord, 'audience' | 'subjectTemplate' | 'lifetimeSeconds' | 'claims' | 'sessionTags'> {
  return {
    audience: compiled.audience,
    subjectTemplate: compiled.subjectTemplate.source,
    lifetimeSeconds: compiled.lifetimeSeconds,
    claims: compiled.claims,
    sessionTags: compiled.sessionTags
      ? { principalTags: sessionTagsToInput(compiled.sessionTags).principalTags, transitiveTagKeys: [...compiled.sessionTags.transitiveTagKeys] }
      : null,
  };
}
