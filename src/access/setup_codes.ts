import { randomBytes } from 'node:crypto';
import { assertScopeFitsTemplate, formatSetupScope, parseSetupScope } from '../claims/index.js';
import { InvalidInputError, NotFoundError, UnauthenticatedError } from '../core/index.js';
import type { Issuer } from '../issuer/index.js';
import { fromTimestamp, hashSecret, toTimestamp, type SetupCodeRecord, type Store } from '../store/index.js';

/** Codes and session tokens carry 256 random bits, so a plain SHA-256 stored verifier is enough (see secret_hash.ts). */
export const SETUP_CODE_PREFIX = 'rbs_';
export const SETUP_SESSION_PREFIX = 'rbss_';

export const SETUP_CODE_TTL = { minSeconds: 60, maxSeconds: 86_400, defaultSeconds: 3600 } as const;
/** A set-up session lives one hour at most: long enough for a careful run with approvals, short if leaked. */
export const SETUP_SESSION_TTL_SECONDS = 3600;

/** What a set-up session may touch: one tenant, one token config, optionally one scope and one connection name. */
export interface SetupGrant {
  codeId: string;
  tenantId: string;
  tokenConfig: string;
  scope: string | null;
  connection: string | null;
  expiresAt: string;
}

export interface SetupCodeRequest {
  tokenConfig: string;
  ttlSeconds?: number;
  scope?: string;
  connection?: string;
}

export interface IssuedSetupCode {
  id: string;
  /** The code itself: returned once, never stored or logged. */
  code: string;
  expiresAt: string;
  tenant: string;
  tokenConfig: string;
  scope: string | null;
  connection: string | null;
}

export interface StartedSetupSession {
  sessionToken: string;
  grant: SetupGrant;
}

function secret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function grantOf(record: SetupCodeRecord): SetupGrant {
  return {
    codeId: record.id,
    tenantId: record.tenantId,
    tokenConfig: record.tokenConfig,
    scope: record.scope,
    connection: record.connection,
    expiresAt: record.sessionExpiresAt ?? record.expiresAt,
  };
}

/**
 * Issues a single-use set-up code for one tenant and token config. The tenant, token config and (for a
 * `workload:` scope) workload must exist, so a code never promises what set-up cannot do.
 */
export async function issueSetupCode(
  deps: { store: Store; issuer: Issuer; now: () => number },
  tenant: string,
  request: SetupCodeRequest,
  audit: { actor: string; requestId: string },
): Promise<IssuedSetupCode> {
  const ttlSeconds = request.ttlSeconds ?? SETUP_CODE_TTL.defaultSeconds;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < SETUP_CODE_TTL.minSeconds || ttlSeconds > SETUP_CODE_TTL.maxSeconds) {
    throw new InvalidInputError('invalid_ttl', `ttlSeconds must be an integer from ${SETUP_CODE_TTL.minSeconds} to ${SETUP_CODE_TTL.maxSeconds}.`, { ttlSeconds });
  }
  await deps.issuer.getTenant(tenant);
  const configs = await deps.issuer.listTokenConfigs(tenant);
  const config = configs.find((candidate) => candidate.name === request.tokenConfig);
  if (config === undefined) {
    throw new NotFoundError('token_config_not_found', `Tenant ${tenant} has no token config ${request.tokenConfig}.`, { tokenConfig: request.tokenConfig });
  }
  let scope: string | null = null;
  if (request.scope !== undefined) {
    const parsed = parseSetupScope(request.scope);
    if (parsed.kind === 'workload' && !(await deps.issuer.listWorkloads(tenant)).some((workload) => workload.id === parsed.workload)) {
      throw new NotFoundError('workload_not_found', `Tenant ${tenant} has no workload ${parsed.workload}.`, { workload: parsed.workload });
    }
    assertScopeFitsTemplate(config.subjectTemplate, parsed);
    scope = formatSetupScope(parsed);
  }
  if (request.connection !== undefined && !/^[a-z0-9-]{1,63}$/.test(request.connection)) {
    throw new InvalidInputError('invalid_connection_name', 'A connection name is 1–63 of [a-z0-9-].', { connection: request.connection });
  }
  const now = deps.now();
  const code = secret(SETUP_CODE_PREFIX);
  const record = {
    id: `sc_${randomBytes(8).toString('hex')}`,
    tenantId: tenant,
    tokenConfig: request.tokenConfig,
    scope,
    connection: request.connection ?? null,
    codeHash: hashSecret(code),
    createdBy: audit.actor,
    createdAt: toTimestamp(now),
    expiresAt: toTimestamp(now + ttlSeconds * 1000),
  };
  await deps.store.transaction(async (tx) => {
    await tx.setupCodes.insert(record);
    await tx.audit.record({
      tenantId: tenant,
      actor: audit.actor,
      action: 'setup_code.created',
      target: record.id,
      requestId: audit.requestId,
      details: { tokenConfig: record.tokenConfig, scope, connection: record.connection, ttlSeconds, expiresAt: record.expiresAt },
    });
  });
  return { id: record.id, code, expiresAt: record.expiresAt, tenant, tokenConfig: record.tokenConfig, scope, connection: record.connection };
}

/**
 * Exchanges a code for a set-up session, once. The conditional UPDATE in the repository is the single-use
 * guarantee; a refused exchange of a known code is audited (it may be a leaked code being replayed).
 */
export async function exchangeSetupCode(deps: { store: Store; now: () => number }, code: string, requestId: string): Promise<StartedSetupSession> {
  const codeHash = hashSecret(code);
  const now = deps.now();
  const sessionToken = secret(SETUP_SESSION_PREFIX);
  const known = await deps.store.setupCodes.findByCodeHash(codeHash);
  if (known === undefined) throw new UnauthenticatedError('invalid_credentials', 'The set-up code is not valid.');
  // ≤ 1 h, and never beyond the code's own expiry + 1 h.
  const sessionExpiresAt = toTimestamp(Math.min(now + SETUP_SESSION_TTL_SECONDS * 1000, fromTimestamp(known.expiresAt) + SETUP_SESSION_TTL_SECONDS * 1000));
  const consumed = await deps.store.setupCodes.consume({ codeHash, usedAt: toTimestamp(now), sessionHash: hashSecret(sessionToken), sessionExpiresAt });
  const actor = `setup:${known.id}`;
  if (!consumed) {
    const current = (await deps.store.setupCodes.findByCodeHash(codeHash)) ?? known;
    const used = current.usedAt !== null;
    await deps.store.audit.record({
      tenantId: current.tenantId,
      actor,
      action: 'setup_code.exchange_refused',
      target: current.id,
      outcome: 'failure',
      requestId,
      details: { reason: used ? 'used' : 'expired', usedAt: current.usedAt, expiresAt: current.expiresAt },
    });
    throw used
      ? new UnauthenticatedError('setup_code_used', 'This set-up code was already used; ask your platform for a new one.')
      : new UnauthenticatedError('setup_code_expired', `This set-up code expired at ${current.expiresAt}; ask your platform for a new one.`);
  }
  await deps.store.audit.record({
    tenantId: known.tenantId,
    actor,
    action: 'setup_code.exchanged',
    target: known.id,
    requestId,
    details: { tokenConfig: known.tokenConfig, scope: known.scope, connection: known.connection, sessionExpiresAt },
  });
  return { sessionToken, grant: grantOf({ ...known, usedAt: toTimestamp(now), sessionExpiresAt }) };
}
