import { ConflictError, NotFoundError, RolebridgeError, UnprocessableError } from '../core/index.js';
import type { ConnectionRecord, Repositories, Store, WorkloadRecord } from '../store/index.js';
import type { RoleChainRunner } from '../broker/index.js';
import type { TokenSource } from '../broker/index.js';
import { formatSetupScope, workloadInScope, type SetupScope } from '../claims/index.js';
import type { ConnectionInput } from './connection_input.js';
import { connectionScopeOf } from './connection_scope.js';
import { brokerConnectionOf, connectionView, type ConnectionView } from './connection_view.js';
import { validateConnection } from './validate_connection.js';
import { verifyConnection, type Diagnose, type VerificationResult, type VerifyRetryOptions } from './verify_connection.js';

export interface ConnectionServiceDeps {
  store: Pick<Store, 'transaction'> & Pick<Repositories, 'tenants' | 'tokenConfigs' | 'workloads' | 'connections' | 'audit'>;
  tokenSource: TokenSource<WorkloadRecord>;
  runChain: RoleChainRunner;
  now: () => number;
  retry?: VerifyRetryOptions;
  /** The doctor, once it exists: its diagnosis goes into the 422 answer. */
  diagnose?: Diagnose<WorkloadRecord>;
}

export interface CreatedConnection {
  connection: ConnectionView;
  /** The proven exchange (no credentials), or null when saved with `verify: false`. */
  verification: VerificationResult | null;
}

/**
 * `POST /tenants/{t}/connections`: validate, prove the exchange with a real workload's token
 * (unless `verify: false`, which is audited), then store ARNs and settings only. Exported for
 * `rolebridge dev` and guided set-up, which bind connections the same way.
 */
export async function createConnection(
  deps: ConnectionServiceDeps,
  tenantId: string,
  input: ConnectionInput,
  who: { actor: string; requestId?: string },
): Promise<CreatedConnection> {
  const settings = validateConnection(input);
  const { store } = deps;
  if (!(await store.tenants.find(tenantId))) throw new NotFoundError('tenant_not_found', `No tenant ${tenantId}.`, { tenantId });
  const tokenConfig = await store.tokenConfigs.find(tenantId, settings.tokenConfig);
  if (!tokenConfig) {
    throw new NotFoundError('token_config_not_found', `Tenant ${tenantId} has no token config named ${settings.tokenConfig}.`, {
      tokenConfig: settings.tokenConfig,
    });
  }
  if (await store.connections.find(tenantId, settings.name)) {
    throw new ConflictError('connection_exists', `Tenant ${tenantId} already has a connection named ${settings.name}.`, { name: settings.name });
  }

  const verify = input.verify ?? true;
  const named = input.workload === undefined || !(verify || input.scope !== undefined) ? undefined : await namedWorkload(deps, tenantId, input.workload);
  const served = input.scope === undefined ? undefined : connectionScopeOf(input.scope, tokenConfig.subjectTemplate, named);
  if (served?.scope.kind === 'workload') await namedWorkload(deps, tenantId, served.scope.workload);

  const nowIso = new Date(deps.now()).toISOString();
  const record: ConnectionRecord = {
    tenantId,
    ...settings,
    verifiedWithWorkload: null,
    verifiedAt: null,
    scope: served?.text ?? null,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
  const audit = { tenantId, actor: who.actor, target: settings.name, ...(who.requestId ? { requestId: who.requestId } : {}) };

  let verification: VerificationResult<WorkloadRecord> | null = null;
  if (verify) {
    const workloads = named !== undefined ? [named] : await verificationWorkloads(deps, tenantId, served?.scope);
    try {
      verification = await verifyConnection(brokerConnectionOf(record), workloads, deps);
    } catch (error) {
      const details = error instanceof RolebridgeError ? error.details ?? {} : {};
      await store.audit.record({
        ...audit,
        action: 'connection.verification_failed',
        outcome: 'failure',
        details: {
          roleArn: settings.roleArn,
          workloads: workloads.map((workload) => workload.id),
          code: error instanceof RolebridgeError ? error.code : 'internal_error',
          stsCode: details.stsCode ?? null,
          step: details.step ?? null,
        },
      });
      throw error;
    }
    record.verifiedWithWorkload = verification.workload.id;
    record.verifiedAt = new Date(deps.now()).toISOString();
  }

  await store.transaction(async (tx) => {
    if (await tx.connections.find(tenantId, settings.name)) {
      throw new ConflictError('connection_exists', `Tenant ${tenantId} already has a connection named ${settings.name}.`, { name: settings.name });
    }
    await tx.connections.insert(record);
    await tx.audit.record({
      ...audit,
      action: 'connection.created',
      details: {
        roleArn: settings.roleArn,
        region: settings.region,
        tokenConfig: settings.tokenConfig,
        ...(record.scope === null ? {} : { scope: record.scope }),
        chain: settings.chain.map((hop) => hop.roleArn),
        verified: verify,
        ...(verification ? { workload: record.verifiedWithWorkload, jti: verification.jti, attempts: verification.attempts } : {}),
      },
    });
    if (!verify) {
      await tx.audit.record({ ...audit, action: 'connection.verify_skipped', details: { roleArn: settings.roleArn } });
    }
  });
  return { connection: connectionView(record), verification };
}

/** At most this many of the tenant's workloads are tried when the request names none. */
export const MAX_VERIFICATION_CANDIDATES = 5;

/**
 * Verification needs a real workload of the tenant, because AWS trust policies pin the token's `sub`: the
 * tenant's enabled workloads in the connection's scope (all of them without one), oldest first, and the first
 * the role admits proves it. With a scope, a role that admits only workloads outside it fails verification.
 */
async function verificationWorkloads(deps: ConnectionServiceDeps, tenantId: string, scope: SetupScope | undefined): Promise<WorkloadRecord[]> {
  const workloads = (await deps.store.workloads.list(tenantId)).filter((workload) => workload.disabledAt === null && (scope === undefined || workloadInScope(scope, workload)));
  if (workloads.length === 0) {
    throw new UnprocessableError(
      'no_workload_to_verify',
      scope === undefined
        ? `Tenant ${tenantId} has no workload whose token could verify the connection: create one first, or send \`verify: false\`.`
        : `Tenant ${tenantId} has no enabled workload in the scope ${formatSetupScope(scope)} whose token could verify the connection: create one first, or send \`verify: false\`.`,
      ...(scope === undefined ? [] : [{ scope: formatSetupScope(scope) }]),
    );
  }
  return workloads.slice(0, MAX_VERIFICATION_CANDIDATES);
}

/** The workload the request names: it must exist and be enabled. */
async function namedWorkload(deps: ConnectionServiceDeps, tenantId: string, workloadId: string): Promise<WorkloadRecord> {
  const workload = await deps.store.workloads.find(tenantId, workloadId);
  if (!workload) throw new NotFoundError('workload_not_found', `Tenant ${tenantId} has no workload ${workloadId}.`, { workload: workloadId });
  if (workload.disabledAt !== null) {
    throw new UnprocessableError('workload_disabled', `Workload ${workloadId} is disabled and cannot verify a connection.`, { workload: workloadId });
  }
  return workload;
}
