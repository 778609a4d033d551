import { ConflictError } from '../core/index.js';
import type { RemoteConnection, RolebridgeApiClient } from './rolebridge_api_client.js';
import { formatSetupScope, workloadInScope, type SetupScope } from '../claims/index.js';

export interface BindRequest {
  tenant: string;
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  scope: SetupScope;
  chain?: { roleArn: string; externalId?: string };
}

export interface BoundConnection {
  connection: RemoteConnection;
  status: 'created' | 'unchanged';
  /** The workload whose token proved the connection before it was saved; absent when none fits the scope. */
  verifiedWith?: string;
}

/**
 * Registers the role with rolebridge. The server verifies before saving (a real exchange, retried while
 * IAM propagates), with a workload of the scope, since the trust policy pins the subject. An existing
 * connection of the same name bound to the same role is left as it is; one bound elsewhere is a conflict,
 * never silently repointed.
 */
export async function bindConnection(api: RolebridgeApiClient, request: BindRequest): Promise<BoundConnection> {
  const existing = await api.findConnection(request.tenant, request.name);
  if (existing !== undefined) {
    const chain = existing.chain.map((hop) => ({ roleArn: hop.roleArn, externalId: hop.externalId }));
    const wantedChain = request.chain === undefined ? [] : [{ roleArn: request.chain.roleArn, externalId: request.chain.externalId }];
    if (existing.roleArn === request.roleArn && existing.tokenConfig === request.tokenConfig && JSON.stringify(chain) === JSON.stringify(wantedChain)) {
      return { connection: existing, status: 'unchanged' };
    }
    throw new ConflictError(
      'connection_exists',
      `Connection ${request.name} already exists for ${existing.roleArn} (token config ${existing.tokenConfig}); pass --connection with another name.`,
      { connection: request.name },
    );
  }
  const workload = await workloadFor(api, request.tenant, request.scope);
  const connection = await api.createConnection(request.tenant, {
    name: request.name,
    roleArn: request.roleArn,
    region: request.region,
    tokenConfig: request.tokenConfig,
    ...(request.chain === undefined ? {} : { chain: [request.chain.externalId === undefined ? { roleArn: request.chain.roleArn } : request.chain] }),
    verify: workload !== undefined,
    ...(workload === undefined ? {} : { workload }),
    // The connection serves the scope its role trusts: other workloads get no credentials from it.
    scope: formatSetupScope(request.scope),
  });
  return { connection, status: 'created', ...(workload === undefined ? {} : { verifiedWith: workload }) };
}

async function workloadFor(api: RolebridgeApiClient, tenant: string, scope: SetupScope): Promise<string | undefined> {
  if (scope.kind === 'workload') return scope.workload;
  const workloads = await api.listWorkloads(tenant);
  return workloads.find((workload) => workloadInScope(scope, workload))?.id;
}
