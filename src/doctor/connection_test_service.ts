import { InvalidInputError, NotFoundError, UnprocessableError } from '../core/index.js';
import { formatSetupScope, parseSetupScope, scopeSubjectValues, workloadInScope, type SetupScope } from '../claims/index.js';
import { mintProbeToken, type Issuer, type ProbeKind } from '../issuer/index.js';
import { subjectPattern } from '../policy/index.js';
import { ConnectionTestRepository, type Repositories, type WorkloadRecord } from '../store/index.js';
import { issuerTokenSource } from '../broker/index.js';
import type { RoleChainRunner, RoleChainRunnerOptions } from '../broker/index.js';
import { brokerConnectionOf } from '../connections/index.js';
import type { ConnectionTestResult } from './connection_test_result.js';
import type { DoctorMetrics } from './doctor_metrics.js';
import { recordTestRun, type DriftChange } from './record_test_run.js';
import type { ServedScope } from './negative_probes.js';
import { testConnection } from './test_connection.js';

export interface ConnectionTestServiceDeps {
  store: Pick<Repositories, 'db' | 'connections' | 'workloads' | 'audit'>;
  issuer: Issuer;
  /** The broker's chain runner (the doctor exchanges exactly as workloads do). */
  runChain?: RoleChainRunner;
  sts?: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  now: () => number;
  metrics: DoctorMetrics;
}

export interface ConnectionTestRequest {
  /** The role's trust policy (JSON text or document), when the caller has it. */
  trustPolicy?: string | object;
  /** The workload whose identity is tested; default: the one that verified the connection. */
  workload?: string;
  /** Run the negative probes after a successful exchange (default true). */
  probes?: boolean;
}

export interface ConnectionTestAnswer extends ConnectionTestResult {
  /** Id of the run in the connection's test history. */
  testId: string;
  workload: string;
  changes: DriftChange[];
}

/**
 * One doctor run on a stored connection, as `POST …/connections/{c}/test`, the CLI, set-up and the drift
 * watch run it: resolve the connection and the workload whose identity it tests, mint its token and the
 * probe tokens with the tenant's real key, test, then audit the run (probes labelled with their session
 * names, so CloudTrail and the audit log meet) and keep it in the history.
 */
export async function runConnectionTest(
  deps: ConnectionTestServiceDeps,
  tenantId: string,
  connectionName: string,
  request: ConnectionTestRequest,
  who: { actor: string; requestId?: string; trigger: 'manual' | 'schedule' | 'setup' | 'verify' },
): Promise<ConnectionTestAnswer> {
  const record = await deps.store.connections.find(tenantId, connectionName);
  if (!record) throw new NotFoundError('connection_not_found', `Tenant ${tenantId} has no connection named ${connectionName}.`, { connection: connectionName });
  const served = record.scope ? parseSetupScope(record.scope) : undefined;
  const workload = await testWorkload(deps, tenantId, request.workload ?? record.verifiedWithWorkload ?? undefined, served);
  const connection = brokerConnectionOf(record);
  const scope = served === undefined ? undefined : await servedScope(deps, record.tokenConfig, served, workload);
  const tokenSource = issuerTokenSource(deps.issuer);

  const started = performance.now();
  const result = await testConnection({
    connection,
    workloadId: workload.id,
    tokens: {
      connectionToken: () => tokenSource.mint(workload, connection.tokenConfig),
      probeToken: async (probe) => {
        const minted = await mintProbeToken(deps.issuer, { workload, tokenConfig: connection.tokenConfig, probe, now: deps.now() });
        if ('skipped' in minted) return { skipped: minted.skipped };
        return { token: minted.token, jti: minted.jti, claims: minted.claims, expiresAt: minted.expiresAt, subject: minted.subject, audience: minted.audience };
      },
    },
    ...(deps.runChain ? { runChain: deps.runChain } : {}),
    ...(deps.sts ? { sts: deps.sts } : {}),
    ...(request.trustPolicy === undefined ? {} : { trustPolicy: request.trustPolicy }),
    ...(request.probes === false ? { probes: [] } : {}),
    ...(scope === undefined ? {} : { scope }),
    now: deps.now,
  });
  const durationMs = performance.now() - started;

  const tokenStep = result.steps.find((step) => step.name === 'token');
  await deps.store.audit.record({
    tenantId,
    actor: who.actor,
    action: 'connection.tested',
    target: connectionName,
    outcome: result.ok ? 'success' : 'failure',
    ...(who.requestId ? { requestId: who.requestId } : {}),
    details: {
      trigger: who.trigger,
      workload: workload.id,
      jti: tokenStep?.data?.jti ?? null,
      diagnosis: result.diagnosis?.code ?? null,
      trustPolicyGiven: request.trustPolicy !== undefined,
      probes: result.probes.map((probe) => ({
        probe: probe.probe,
        status: probe.status,
        ...(probe.sessionName ? { sessionName: probe.sessionName } : {}),
        ...(probe.jti ? { jti: probe.jti } : {}),
        ...(probe.subject ? { sub: probe.subject } : {}),
      })),
    },
  });
  const { record: run, changes } = await recordTestRun(
    { history: new ConnectionTestRepository(deps.store.db), audit: deps.store.audit, metrics: deps.metrics },
    {
      tenantId,
      connection: connectionName,
      trigger: who.trigger,
      result,
      durationMs,
      testedAt: new Date(deps.now()).toISOString(),
      actor: who.actor,
      ...(who.requestId ? { requestId: who.requestId } : {}),
    },
  );
  return { ...result, testId: run.id, workload: workload.id, changes };
}

/**
 * Trust policies pin the token's subject, so the test needs a real, enabled workload of the tenant: the one
 * named, else the one that verified the connection, else the only enabled one — of the connection's scope when
 * it names one (a workload outside it would test an identity the connection does not serve).
 */
async function testWorkload(deps: ConnectionTestServiceDeps, tenantId: string, workloadId: string | undefined, scope: SetupScope | undefined): Promise<WorkloadRecord> {
  if (workloadId === undefined) {
    const enabled = (await deps.store.workloads.list(tenantId)).filter((workload) => workload.disabledAt === null && (scope === undefined || workloadInScope(scope, workload)));
    if (enabled.length === 1 || (scope !== undefined && enabled.length > 0)) return enabled[0]!;
    throw new InvalidInputError(
      'test_workload_required',
      'Name the workload whose identity to test in `workload`: the connection was saved without verification and the tenant has ' +
        `${enabled.length === 0 ? `no enabled workload${scope === undefined ? '' : ` in the scope ${formatSetupScope(scope)}`}` : 'several workloads'}.`,
      { field: 'workload' },
    );
  }
  const workload = await deps.store.workloads.find(tenantId, workloadId);
  if (!workload) throw new NotFoundError('workload_not_found', `Tenant ${tenantId} has no workload ${workloadId}.`, { workload: workloadId });
  if (workload.disabledAt !== null) {
    throw new UnprocessableError('workload_disabled', `Workload ${workloadId} is disabled; test with an enabled workload.`, { workload: workloadId });
  }
  if (scope !== undefined && !workloadInScope(scope, workload)) {
    throw new InvalidInputError('workload_outside_scope', `Workload ${workloadId} is outside the scope ${formatSetupScope(scope)} the connection serves; test with one of its workloads.`, {
      workload: workloadId,
      scope: formatSetupScope(scope),
    });
  }
  return workload;
}

/**
 * The doctor's view of a connection's scope: which probes stay inside it (a probe changes the tested workload's
 * component, deployment or tenant, so it is inside when the scope leaves that attribute open) and the `sub`
 * pattern its trust policy pins, for the tightened statement.
 */
async function servedScope(deps: ConnectionTestServiceDeps, tokenConfig: string, scope: SetupScope, workload: WorkloadRecord): Promise<ServedScope> {
  const text = formatSetupScope(scope);
  const open = (attribute: 'component' | 'deployment'): boolean => scope.kind === 'attributes' && scope.attributes[attribute] === undefined;
  const admitsProbe = (probe: ProbeKind): boolean =>
    (probe === 'sibling_component' && open('component')) || (probe === 'sibling_deployment' && open('deployment'));
  if (scope.kind === 'workload') return { text, admitsProbe };
  const template = (await deps.issuer.listTokenConfigs(workload.tenantId)).find((config) => config.name === tokenConfig)?.subjectTemplate;
  if (template === undefined) return { text, admitsProbe };
  try {
    return { text, admitsProbe, subjectPattern: subjectPattern(template, { pinned: scopeSubjectValues(scope, workload.tenantId) }) };
  } catch {
    return { text, admitsProbe };
  }
}
