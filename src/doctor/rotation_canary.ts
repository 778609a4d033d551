import { StsCallError } from '../aws/index.js';
import type { RoleChainRunner } from '../broker/index.js';
import { ConflictError } from '../core/index.js';
import { mintKeyProbeToken, type Issuer, type KeyPromotion, type KeyPromotionCheck } from '../issuer/index.js';
import type { ConnectionRecord, Repositories, WorkloadRecord } from '../store/index.js';
import { mapBounded } from './map_bounded.js';

/**
 * Which connections prove a next key (ROLEBRIDGE_ROTATION_CANARY): every connection of the tenant, none, or the
 * tenant's connection of one name (tenants without a connection of that name are probed through all of theirs).
 */
export type RotationCanaryMode = 'all' | 'off' | { connection: string };

export interface RotationCanaryDeps {
  store: Pick<Repositories, 'connections' | 'workloads' | 'audit'>;
  issuer: Issuer;
  runChain: RoleChainRunner;
  now: () => number;
  mode?: RotationCanaryMode;
  /** Exchanges in flight at once for one promotion (default 4). */
  concurrency?: number;
  /** One exchange waited for at most this long (default 10 s); longer is an inconclusive probe. */
  timeoutMs?: number;
}

/**
 * One connection's verdict on the next key:
 * - `accepted`: the role admitted a token signed by the next key;
 * - `refused`: it refused that token but admits the same token signed by the current key: the next key is
 *   not (yet) usable through AWS — this blocks the promotion;
 * - `ignored`: it refuses the current key's token too, so it is broken for another reason and does not block;
 * - `skipped`: no probe could be made (no workload to speak for the connection, a subject the config cannot render).
 */
export interface CanaryVerdict {
  connection: string;
  roleArn: string;
  status: 'accepted' | 'refused' | 'ignored' | 'skipped';
  workload?: string;
  /** The next key's probe, as CloudTrail shows it. */
  sessionName?: string;
  jti?: string;
  stsCode?: string;
  stsMessage?: string;
  /** The current key's probe (run only when the next key was refused). */
  current?: { sessionName: string; jti: string; accepted: boolean; stsCode?: string; stsMessage?: string };
  detail: string;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_TIMEOUT_MS = 10_000;
/** The shortest session AWS grants: a probe's credentials are never used. */
const PROBE_SESSION_SECONDS = 900;

/**
 * The rotation canary: before a next key signs, AWS must accept it. For each connection (or the configured
 * canary connection) the workload it speaks for gets a token signed by the next key and exchanged for real
 * (sts:AssumeRoleWithWebIdentity, the first role only); a refusal is compared with the same token signed by
 * the current key. A connection that admits the current key but not the next keeps the current key signing:
 * 409 `next_key_not_accepted` naming the connections and STS's answers, and a `signing_key.promotion_refused`
 * audit event. This catches a JWKS cache, a CDN or a static publication that has not picked up the next key.
 */
export function createRotationCanary(deps: RotationCanaryDeps): KeyPromotionCheck {
  const mode = deps.mode ?? 'all';
  return async (promotion) => {
    if (mode === 'off' || promotion.activeKid === undefined) return undefined;
    const connections = await canaryConnections(deps, promotion.tenantId, mode);
    if (connections.length === 0) return undefined;
    const verdicts = await probeConnections(deps, promotion, connections);
    const refused = verdicts.filter((v) => v.status === 'refused');
    const summary = {
      kid: promotion.nextKid,
      accepted: verdicts.filter((v) => v.status === 'accepted').map((v) => v.connection),
      refused: refused.map(auditVerdict),
      ignored: verdicts.filter((v) => v.status === 'ignored' || v.status === 'skipped').map(auditVerdict),
    };
    if (refused.length === 0) return { canary: summary };
    await deps.store.audit.record({
      tenantId: promotion.tenantId,
      actor: promotion.actor,
      action: 'signing_key.promotion_refused',
      target: promotion.tenantId,
      outcome: 'failure',
      ...(promotion.requestId ? { requestId: promotion.requestId } : {}),
      details: { trigger: promotion.trigger, activeKid: promotion.activeKid, canary: summary },
    });
    const first = refused[0] as CanaryVerdict;
    throw new ConflictError(
      'next_key_not_accepted',
      `AWS refused a token signed by the next key ${promotion.nextKid} for ${refused.map((v) => v.connection).join(', ')} ` +
        `(${first.stsCode ?? 'error'}: ${first.stsMessage ?? first.detail}) while it accepts the current key, so the current key keeps signing. ` +
        'The JWKS AWS reads (a static publication, a CDN or a cache in front of the issuer) does not list the next key yet: publish it, wait for caches, and retry.',
      { kid: promotion.nextKid, issuer: promotion.issuer, connections: refused, accepted: summary.accepted, ignored: summary.ignored },
    );
  };
}

async function canaryConnections(deps: RotationCanaryDeps, tenantId: string, mode: RotationCanaryMode): Promise<ConnectionRecord[]> {
  const all = await deps.store.connections.list(tenantId);
  if (typeof mode === 'object') {
    const canary = all.find((c) => c.name === mode.connection);
    if (canary) return [canary];
  }
  return all;
}

/** Connections that would send the same exchange (role, region, config, workload) are probed once. */
async function probeConnections(deps: RotationCanaryDeps, promotion: KeyPromotion, connections: readonly ConnectionRecord[]): Promise<CanaryVerdict[]> {
  const enabled = (await deps.store.workloads.list(promotion.tenantId)).filter((w) => w.disabledAt === null);
  const byId = new Map(enabled.map((w) => [w.id, w]));
  const plans = connections.map((connection) => ({ connection, workload: workloadFor(connection, byId, enabled) }));
  const shared = new Map<string, Promise<Omit<CanaryVerdict, 'connection'>>>();
  const probeOnce = (connection: ConnectionRecord, workload: WorkloadRecord): Promise<Omit<CanaryVerdict, 'connection'>> => {
    const key = JSON.stringify([connection.region, connection.roleArn, connection.tokenConfig, workload.id]);
    let probe = shared.get(key);
    if (probe === undefined) {
      probe = probeConnection(deps, promotion, connection, workload);
      shared.set(key, probe);
    }
    return probe;
  };
  return mapBounded(plans, deps.concurrency ?? DEFAULT_CONCURRENCY, async ({ connection, workload }) => {
    if (workload === undefined) {
      return {
        connection: connection.name,
        roleArn: connection.roleArn,
        status: 'skipped',
        detail: 'No enabled workload speaks for this connection (it was saved without verification and the tenant has several or none).',
      };
    }
    return { connection: connection.name, ...(await probeOnce(connection, workload)) };
  });
}

/** The workload whose identity the connection was verified with, else the tenant's only enabled workload. */
function workloadFor(connection: ConnectionRecord, byId: Map<string, WorkloadRecord>, enabled: readonly WorkloadRecord[]): WorkloadRecord | undefined {
  if (connection.verifiedWithWorkload !== null) {
    const verified = byId.get(connection.verifiedWithWorkload);
    if (verified) return verified;
  }
  return enabled.length === 1 ? enabled[0] : undefined;
}

interface ExchangeOutcome {
  sessionName: string;
  jti: string;
  accepted: boolean;
  stsCode?: string;
  stsMessage?: string;
}

async function probeConnection(
  deps: RotationCanaryDeps,
  promotion: KeyPromotion,
  connection: ConnectionRecord,
  workload: WorkloadRecord,
): Promise<Omit<CanaryVerdict, 'connection'>> {
  const base = { roleArn: connection.roleArn, workload: workload.id };
  let next: ExchangeOutcome;
  try {
    next = await exchange(deps, connection, workload, promotion.nextKid, 'canary');
  } catch (error) {
    return { ...base, status: 'skipped', detail: `No probe token could be made: ${error instanceof Error ? error.message : 'error'}` };
  }
  const shown = { sessionName: next.sessionName, jti: next.jti, ...stsOf(next) };
  if (next.accepted) return { ...base, status: 'accepted', ...shown, detail: 'AWS accepted a token signed by the next key.' };
  let current: ExchangeOutcome;
  try {
    current = await exchange(deps, connection, workload, promotion.activeKid as string, 'current');
  } catch (error) {
    return { ...base, status: 'skipped', ...shown, detail: `No probe token of the current key could be made: ${error instanceof Error ? error.message : 'error'}` };
  }
  if (!current.accepted) {
    return {
      ...base,
      status: 'ignored',
      ...shown,
      current,
      detail: `The role refuses the current key's token too (${current.stsCode ?? 'error'}): the connection is broken for another reason (run its test), so it does not hold the rotation.`,
    };
  }
  return {
    ...base,
    status: 'refused',
    ...shown,
    current,
    detail: `AWS accepts the current key but refused the next key (${next.stsCode ?? 'error'}: ${next.stsMessage ?? ''}).`,
  };
}

function stsOf(outcome: ExchangeOutcome): { stsCode?: string; stsMessage?: string } {
  return { ...(outcome.stsCode ? { stsCode: outcome.stsCode } : {}), ...(outcome.stsMessage ? { stsMessage: outcome.stsMessage } : {}) };
}

/**
 * One labelled exchange: `rb-probe-canary-…` (next key) or `rb-probe-current-…`, so CloudTrail shows who called.
 * Only STS's answers (and a timeout) are verdicts; anything else is thrown.
 */
async function exchange(
  deps: RotationCanaryDeps,
  connection: ConnectionRecord,
  workload: WorkloadRecord,
  kid: string,
  label: 'canary' | 'current',
): Promise<ExchangeOutcome> {
  const minted = await mintKeyProbeToken(deps.issuer, { workload, tokenConfig: connection.tokenConfig, kid, now: deps.now() });
  const sessionName = `rb-probe-${label}-${minted.jti.replace(/^canary-/, '')}`.slice(0, 64);
  const outcome = { sessionName, jti: minted.jti };
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const call = deps.runChain(
      { region: connection.region, roleArn: connection.roleArn, durationSeconds: PROBE_SESSION_SECONDS, hops: [] },
      { token: minted.token, sessionName },
    );
    call.catch(() => undefined); // a call outlived by the timeout must not end as an unhandled rejection
    const answer = await Promise.race([call, timedOut]);
    if (answer === 'timeout') return { ...outcome, accepted: false, stsCode: 'Timeout', stsMessage: `STS did not answer within ${timeoutMs} ms.` };
    return { ...outcome, accepted: true };
  } catch (error) {
    if (!(error instanceof StsCallError)) throw error;
    return { ...outcome, accepted: false, stsCode: error.failure.stsCode, stsMessage: error.failure.stsMessage };
  } finally {
    clearTimeout(timer);
  }
}

/** A verdict as audit details: names, codes and session names; never a token. */
function auditVerdict(verdict: CanaryVerdict): Record<string, unknown> {
  return {
    connection: verdict.connection,
    status: verdict.status,
    ...(verdict.sessionName ? { sessionName: verdict.sessionName } : {}),
    ...(verdict.stsCode ? { stsCode: verdict.stsCode } : {}),
    ...(verdict.current?.stsCode ? { currentKeyStsCode: verdict.current.stsCode } : {}),
  };
}
