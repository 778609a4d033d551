import { randomUUID } from 'node:crypto';
import { InvalidInputError, NotFoundError, UnavailableError } from '../core/index.js';
import type { Store, WorkloadRecord } from '../store/index.js';
import type { AuditBuffer } from './audit_buffer.js';
import type { KeyRing } from './key_ring.js';
import { identityClaims } from './identity_claims.js';
import { renderSubjectTemplate, type SubjectValues } from './subject_template.js';
import type { SigningAlgorithm } from './signing_key.js';
import { encodedJwtHeader } from './token_signer.js';
import { compileStoredTokenConfig, defaultTokenConfigName, type CompiledTokenConfig } from './token_config.js';

export interface IssuedToken {
  token: string;
  expiresAt: string;
  jti: string;
}

/** Everything in a token except iat/nbf/exp/jti, serialized once per (config, workload). */
interface PayloadFragments {
  head: string;
  tail: string;
  sub: string;
}

/** A compiled token config plus the per-workload payload fragments of its tokens. */
interface CachedTokenConfig {
  config: CompiledTokenConfig;
  payloads: Map<string, PayloadFragments>;
}

export interface TenantTokenConfigs {
  loadedAt: number;
  byName: Map<string, CachedTokenConfig>;
  defaultName: string | undefined;
}

export interface TokenIssuerOptions {
  store: Store;
  keyRing: KeyRing;
  auditBuffer: AuditBuffer;
  now: () => number;
  /** Token configs are re-read after this long (another replica may have written). */
  cacheTtlMs: number;
  /** Counts a token in `rolebridge_tokens_issued_total`. */
  countToken?: (tenantId: string) => void;
}

/** The subject-template values of a workload. */
export function subjectValuesOf(workload: WorkloadRecord): SubjectValues {
  return {
    tenant: workload.tenantId,
    deployment: workload.deployment,
    component: workload.component,
    workload: workload.id,
    ...(workload.region === null ? {} : { region: workload.region }),
  };
}

/**
 * The token endpoint's hot path. Warm, it reads nothing from the database: the tenant's signer comes from
 * the key ring, token configs are compiled once per tenant, each (config, workload) payload is serialized
 * once, and per token only iat/nbf/exp/jti are spliced in before signing. The audit event is buffered
 * (bounded: see AuditBuffer).
 */
export class TokenIssuer {
  private readonly configs = new Map<string, TenantTokenConfigs>();

  constructor(private readonly options: TokenIssuerOptions) {}

  /** Drop a tenant's compiled configs (after a config change), or every tenant's. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.configs.clear();
    else this.configs.delete(tenantId);
  }

  /** The tenant's compiled configs when they are loaded and fresh (no promise on the hot path). */
  private freshConfigs(tenantId: string): TenantTokenConfigs | undefined {
    const cached = this.configs.get(tenantId);
    return cached && this.options.now() - cached.loadedAt < this.options.cacheTtlMs ? cached : undefined;
  }

  async tenantConfigs(tenantId: string): Promise<TenantTokenConfigs> {
    const { now, store } = this.options;
    const cached = this.freshConfigs(tenantId);
    if (cached) return cached;
    let records: Awaited<ReturnType<typeof store.tokenConfigs.list>>;
    try {
      records = await store.tokenConfigs.list(tenantId);
    } catch (error) {
      // The database is briefly away: keep issuing from what was read last (changes arrive by the change feed).
      const stale = this.configs.get(tenantId);
      if (stale) return stale;
      throw error;
    }
    const byName = new Map(records.map((r) => [r.name, { config: compileStoredTokenConfig(r), payloads: new Map<string, PayloadFragments>() }]));
    const fresh: TenantTokenConfigs = { loadedAt: now(), byName, defaultName: defaultTokenConfigName(records.map((r) => r.name)) };
    this.configs.set(tenantId, fresh);
    return fresh;
  }

  /** The config a request without `tokenConfig` gets, if the tenant has one (see defaultTokenConfigName). */
  async defaultConfig(tenantId: string): Promise<CompiledTokenConfig | undefined> {
    const configs = await this.tenantConfigs(tenantId);
    return configs.defaultName === undefined ? undefined : configs.byName.get(configs.defaultName)?.config;
  }

  /**
   * Issues a token for an authenticated workload. The tenant is the workload's own — nothing in the
   * request can name another — so a workload of tenant A can never obtain a token of tenant B.
   */
  async issue(workload: WorkloadRecord, request: { tokenConfig?: string; audience?: string }, requestId?: string): Promise<IssuedToken> {
    const { keyRing, now, auditBuffer, countToken } = this.options;
    const tenantId = workload.tenantId;
    const keys = keyRing.peek(tenantId) ?? (await keyRing.get(tenantId));
    const signer = keyRing.signerOf(keys);
    const configs = this.freshConfigs(tenantId) ?? (await this.tenantConfigs(tenantId));
    const name = request.tokenConfig ?? configs.defaultName;
    if (name === undefined) {
      if (configs.byName.size === 0) throw new UnavailableError('no_token_config', `Tenant ${tenantId} has no token config yet.`);
      throw new InvalidInputError('token_config_required', `Tenant ${tenantId} has several token configs and none named 'default'; name one in tokenConfig.`, {
        tokenConfigs: [...configs.byName.keys()],
      });
    }
    const cached = configs.byName.get(name);
    if (!cached) throw new NotFoundError('token_config_not_found', `Tenant ${tenantId} has no token config named ${name}.`, { tokenConfig: name });
    const { config } = cached;
    if (request.audience !== undefined && request.audience !== config.audience) {
      throw new InvalidInputError('audience_not_allowed', `Token config ${name} issues tokens for audience '${config.audience}' only.`, {
        allowed: config.audience,
      });
    }
    let payload = cached.payloads.get(workload.id);
    if (!payload) {
      payload = payloadFragments(keys.issuer, config, workload);
      if (cached.payloads.size > 10_000) cached.payloads.clear();
      cached.payloads.set(workload.id, payload);
    }
    const nowMs = now();
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + config.lifetimeSeconds;
    const jti = randomUUID();
    auditBuffer.reserve(); // no token without its place in the audit buffer
    let token: string;
    try {
      token = await signer.signPayload(payloadJson(payload, iat, exp, jti));
    } catch (error) {
      auditBuffer.release();
      throw error;
    }
    countToken?.(tenantId);
    auditBuffer.push({
      tenantId,
      actor: `workload:${workload.id}`,
      action: 'token.issued',
      target: workload.id,
      occurredAt: new Date(nowMs).toISOString(),
      ...(requestId ? { requestId } : {}),
      details: { jti, sub: payload.sub, aud: config.audience, workload: workload.id, tokenConfig: name, kid: signer.kid, exp },
    });
    return { token, expiresAt: new Date(exp * 1000).toISOString(), jti };
  }

  /**
   * What `issue` would sign for this workload under `config` (stored or a draft): the same fragments, so the
   * same keys and values, without iat/nbf/exp/jti. The size is the length of the compact JWT `issue` would
   * return now: header and payload are encoded exactly as the signer does (time claims of this second, a
   * jti of a UUID's fixed length), plus the base64url length of the algorithm's fixed-size signature.
   * Nothing is signed: a preview is no token.
   */
  async preview(workload: WorkloadRecord, config: CompiledTokenConfig): Promise<TokenPreview> {
    const { keyRing, now } = this.options;
    const keys = keyRing.peek(workload.tenantId) ?? (await keyRing.get(workload.tenantId));
    const signer = keyRing.signerOf(keys);
    const payload = payloadFragments(keys.issuer, config, workload);
    const claims = JSON.parse(`${payload.head}${payload.tail}`) as Record<string, unknown>;
    const iat = Math.floor(now() / 1000);
    const json = payloadJson(payload, iat, iat + config.lifetimeSeconds, randomUUID());
    const signatureBytes = signatureLength(signer.algorithm, keys.keys.find((k) => k.kid === signer.kid)?.publicJwk);
    const size = encodedJwtHeader(signer.kid, signer.algorithm).length + 1 + base64urlLength(Buffer.byteLength(json)) + 1 + base64urlLength(signatureBytes);
    return { claims, size };
  }
}

export interface TokenPreview {
  claims: Record<string, unknown>;
  /** Bytes of the compact JWT (ASCII, so characters). */
  size: number;
}

/** The signed payload: iat/nbf/exp/jti spliced between the cached fragments. */
function payloadJson(payload: PayloadFragments, iat: number, exp: number, jti: string): string {
  return `${payload.head},"iat":${iat},"nbf":${iat},"exp":${exp},"jti":"${jti}"${payload.tail}`;
}

/** ES256 signatures are r||s (64 bytes); RS256 ones are as long as the key's modulus. */
function signatureLength(algorithm: SigningAlgorithm, publicJwk: Record<string, unknown> | undefined): number {
  if (algorithm === 'ES256') return 64;
  const modulus = typeof publicJwk?.n === 'string' ? Buffer.from(publicJwk.n, 'base64url').length : 0;
  return modulus > 0 ? modulus : 256;
}

function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

function payloadFragments(issuer: string, config: CompiledTokenConfig, workload: WorkloadRecord): PayloadFragments {
  const values = subjectValuesOf(workload);
  const sub = renderSubjectTemplate(config.subjectTemplate, values);
  const head = JSON.stringify({ iss: issuer, sub, aud: config.audience }).slice(0, -1);
  const rest = identityClaims(config, values);
  return { head, tail: `,${JSON.stringify(rest).slice(1)}`, sub };
}
