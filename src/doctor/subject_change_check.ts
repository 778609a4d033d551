import { NotFoundError, RolebridgeError } from '../core/index.js';
import { mintSubjectProbeToken, parseSubjectTemplate, renderSubjectTemplate, type Issuer, type SubjectProbeLabel, type SubjectProbeToken } from '../issuer/index.js';
import { createRoleChainRunner, type RoleChainRunner, type RoleChainRunnerOptions } from '../broker/index.js';
import { StsCallError } from '../aws/index.js';
import type { ConnectionRecord, Repositories, WorkloadRecord } from '../store/index.js';
import { parseSetupScope, workloadInScope } from '../claims/index.js';
import { mapBounded } from './map_bounded.js';

/** A workload's `sub` now and under the planned template; `problem` when the planned one cannot be rendered for it. */
export interface SubjectChangeWorkload {
  id: string;
  deployment: string;
  component: string;
  region: string | null;
  disabled: boolean;
  from: string | null;
  to: string | null;
  problem?: { code: string; message: string };
}

/** One real exchange of a labelled probe token (`sts:AssumeRoleWithWebIdentity`, first role of the chain only). */
export interface SubjectProbeExchange {
  label: SubjectProbeLabel;
  subject: string;
  audience: string;
  /** `rb-probe-current-…` / `rb-probe-new-…`, as CloudTrail shows it. */
  sessionName: string;
  jti: string;
  outcome: 'admitted' | 'refused' | 'inconclusive';
  stsCode?: string;
  stsMessage?: string;
}

export interface SubjectChangeConnection {
  name: string;
  roleArn: string;
  region: string;
  /** The workload whose identity the probes carry (the one that verified the connection, else the first that can render both subjects). */
  workload: string | null;
  /** The scope the connection serves (canonical text), or null: any workload of the tenant. */
  servesScope: string | null;
  currentSubject: string | null;
  newSubject: string | null;
  /** Whether the role admitted the current-format probe; null when no exchange decided (no workload, STS unreachable). */
  admitsCurrent: boolean | null;
  admitsNew: boolean | null;
  probes: SubjectProbeExchange[];
  /** Why a probe did not decide, for a person. */
  detail?: string;
}

export interface SubjectChangeCheck {
  tokenConfig: string;
  currentTemplate: string;
  subjectTemplate: string;
  workloads: SubjectChangeWorkload[];
  connections: SubjectChangeConnection[];
  /** Connections a switch would break: a probe of the new format was refused, or STS could not decide. */
  breaking: string[];
}

export interface SubjectChangeCheckDeps {
  store: Pick<Repositories, 'connections' | 'workloads' | 'audit'>;
  issuer: Issuer;
  runChain?: RoleChainRunner;
  sts?: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  now: () => number;
}

/** How many connections are probed at once: each costs two STS calls. */
const CONCURRENT_CONNECTIONS = 4;
/** The shortest session STS grants: an admitted probe's credentials are dropped at once. */
const PROBE_SESSION_SECONDS = 900;

/**
 * Plans a change of a token config's subject template (issue 18, "subject migrations, verified before the
 * switch"): every workload's current and future `sub`, and for every connection using the config two real
 * exchanges with labelled probe tokens — one in the current format, one in the new — so whether each role
 * admits each format is AWS's answer, not a guess. Only the web-identity step runs (the first role's trust
 * policy decides); credentials obtained are dropped. The probes are audited with their session names.
 */
export async function checkSubjectChange(
  deps: SubjectChangeCheckDeps,
  tenantId: string,
  tokenConfigName: string,
  subjectTemplate: string,
  who: { actor: string; requestId?: string },
): Promise<SubjectChangeCheck> {
  const config = (await deps.issuer.listTokenConfigs(tenantId)).find((candidate) => candidate.name === tokenConfigName);
  if (config === undefined) {
    throw new NotFoundError('token_config_not_found', `Tenant ${tenantId} has no token config named ${tokenConfigName}.`, { tokenConfig: tokenConfigName });
  }
  const current = parseSubjectTemplate(config.subjectTemplate);
  const planned = parseSubjectTemplate(subjectTemplate);
  const records = await deps.store.workloads.list(tenantId);
  const workloads = records.map((record) => workloadSubjects(record, current, planned));
  const runChain = deps.runChain ?? createRoleChainRunner({ maxAttempts: 2, ...deps.sts });
  const using = (await deps.store.connections.list(tenantId)).filter((connection) => connection.tokenConfig === tokenConfigName);

  const connections = await mapBounded(using, CONCURRENT_CONNECTIONS, (connection) => probeConnection(deps, runChain, connection, workloads, subjectTemplate));

  const breaking = connections.filter((connection) => connection.workload !== null && connection.admitsNew !== true).map((connection) => connection.name);
  await deps.store.audit.record({
    tenantId,
    actor: who.actor,
    action: 'token_config.subject_change_checked',
    target: tokenConfigName,
    outcome: breaking.length === 0 ? 'success' : 'failure',
    ...(who.requestId ? { requestId: who.requestId } : {}),
    details: {
      from: config.subjectTemplate,
      to: subjectTemplate,
      breaking,
      probes: connections.flatMap((connection) =>
        connection.probes.map((probe) => ({ connection: connection.name, label: probe.label, sub: probe.subject, sessionName: probe.sessionName, jti: probe.jti, outcome: probe.outcome })),
      ),
    },
  });
  return { tokenConfig: tokenConfigName, currentTemplate: config.subjectTemplate, subjectTemplate, workloads, connections, breaking };
}

function workloadSubjects(record: WorkloadRecord, current: ReturnType<typeof parseSubjectTemplate>, planned: ReturnType<typeof parseSubjectTemplate>): SubjectChangeWorkload {
  const values = {
    tenant: record.tenantId,
    deployment: record.deployment,
    component: record.component,
    workload: record.id,
    ...(record.region === null ? {} : { region: record.region }),
  };
  const render = (template: ReturnType<typeof parseSubjectTemplate>): { sub: string | null; problem?: { code: string; message: string } } => {
    try {
      return { sub: renderSubjectTemplate(template, values) };
    } catch (error) {
      if (error instanceof RolebridgeError) return { sub: null, problem: { code: error.code, message: error.message } };
      throw error;
    }
  };
  const from = render(current);
  const to = render(planned);
  return {
    id: record.id,
    deployment: record.deployment,
    component: record.component,
    region: record.region,
    disabled: record.disabledAt !== null,
    from: from.sub,
    to: to.sub,
    ...(to.problem ? { problem: to.problem } : from.problem ? { problem: from.problem } : {}),
  };
}

/** The workload whose identity the probes carry: the verifying one when it still renders both formats, else the first enabled one that does. */
function probeWorkload(connection: ConnectionRecord, workloads: readonly SubjectChangeWorkload[]): SubjectChangeWorkload | undefined {
  // A connection that serves a scope is probed as a workload of that scope: one outside it cannot use the connection.
  const scope = connection.scope ? parseSetupScope(connection.scope) : undefined;
  const usable = workloads.filter(
    (workload) => !workload.disabled && workload.from !== null && workload.to !== null && (scope === undefined || workloadInScope(scope, workload)),
  );
  return usable.find((workload) => workload.id === connection.verifiedWithWorkload) ?? usable[0];
}

async function probeConnection(
  deps: SubjectChangeCheckDeps,
  runChain: RoleChainRunner,
  connection: ConnectionRecord,
  workloads: readonly SubjectChangeWorkload[],
  subjectTemplate: string,
): Promise<SubjectChangeConnection> {
  const base = { name: connection.name, roleArn: connection.roleArn, region: connection.region, servesScope: connection.scope ?? null };
  const workload = probeWorkload(connection, workloads);
  if (workload === undefined) {
    return {
      ...base,
      workload: null,
      currentSubject: null,
      newSubject: null,
      admitsCurrent: null,
      admitsNew: null,
      probes: [],
      detail: 'No enabled workload of the tenant has a subject in both formats, so no probe could be minted; nothing can use this connection today either.',
    };
  }
  const exchange = async (label: SubjectProbeLabel): Promise<SubjectProbeExchange> => {
    const minted: SubjectProbeToken = await mintSubjectProbeToken(deps.issuer, {
      tenantId: connection.tenantId,
      tokenConfig: connection.tokenConfig,
      workload: workload.id,
      label,
      ...(label === 'new' ? { subjectTemplate } : {}),
      now: deps.now(),
    });
    const sessionName = subjectProbeSessionName(label, minted.jti);
    const shown = { label, subject: minted.subject, audience: minted.audience, sessionName, jti: minted.jti };
    try {
      await runChain({ region: connection.region, roleArn: connection.roleArn, durationSeconds: PROBE_SESSION_SECONDS, hops: [] }, { token: minted.token, sessionName });
      return { ...shown, outcome: 'admitted' };
    } catch (error) {
      if (!(error instanceof StsCallError)) throw error;
      const { stsCode, stsMessage } = error.failure;
      return { ...shown, outcome: error.transient ? 'inconclusive' : 'refused', stsCode, stsMessage };
    }
  };
  const probes = [await exchange('current'), await exchange('new')];
  const decided = (probe: SubjectProbeExchange): boolean | null => (probe.outcome === 'inconclusive' ? null : probe.outcome === 'admitted');
  const undecided = probes.find((probe) => probe.outcome === 'inconclusive');
  return {
    ...base,
    workload: workload.id,
    currentSubject: probes[0]!.subject,
    newSubject: probes[1]!.subject,
    admitsCurrent: decided(probes[0]!),
    admitsNew: decided(probes[1]!),
    probes,
    ...(undecided ? { detail: `STS did not decide the ${undecided.label}-format probe (${undecided.stsCode ?? '?'}: ${undecided.stsMessage ?? ''}); plan again.` } : {}),
  };
}

/** `rb-probe-current-<uuid>` / `rb-probe-new-<uuid>`: CloudTrail shows at once that rolebridge probed, and which format. */
export function subjectProbeSessionName(label: SubjectProbeLabel, jti: string): string {
  return `rb-probe-${label}-${jti.replace(/^probe-/, '').replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64);
}
