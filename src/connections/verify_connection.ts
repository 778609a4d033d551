import { UnprocessableError } from '../core/index.js';
import { type BrokerConnection, roleChainOf } from '../broker/index.js';
import type { ChainStep, RoleChainRunner } from '../broker/index.js';
import { sessionNameFor } from '../broker/index.js';
import type { BrokerWorkload, MintedToken, TokenSource } from '../broker/index.js';
import { StsCallError, type StsFailure } from '../aws/index.js';

/** How long verification waits for IAM changes to propagate before giving up. */
export interface VerifyRetryOptions {
  /** Total attempts, the first included (default 4). */
  attempts?: number;
  /** Delay before the second attempt; doubles after each, capped by maxDelayMs (default 1000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** What the doctor is given when verification fails; its answer goes into the 422 details. */
export interface VerificationFailure<W extends BrokerWorkload = BrokerWorkload> {
  failure: StsFailure;
  connection: BrokerConnection;
  workload: W;
  /** The token's claims (never the token itself). */
  claims: Record<string, unknown>;
}

export type Diagnose<W extends BrokerWorkload = BrokerWorkload> = (failure: VerificationFailure<W>) => Promise<unknown>;

export interface VerificationResult<W extends BrokerWorkload = BrokerWorkload> {
  steps: ChainStep[];
  attempts: number;
  jti: string;
  /** The workload whose token proved the exchange. */
  workload: W;
}

export interface VerifyDeps<W extends BrokerWorkload> {
  tokenSource: TokenSource<W>;
  runChain: RoleChainRunner;
  retry?: VerifyRetryOptions;
  diagnose?: Diagnose<W>;
  now?: () => number;
}

/**
 * Runs the full exchange a workload would run (token → AssumeRoleWithWebIdentity → every hop),
 * retrying with bounded backoff because IAM changes take seconds to propagate. With several candidate
 * workloads (the caller did not name one), each attempt tries them in order and the first the role
 * admits proves the connection. The credentials obtained are dropped at once; only the steps (ARNs,
 * session names, expirations) are returned. Fails with 422 `role_not_assumable` carrying STS's code and
 * message for the first candidate (and the doctor's diagnosis when one is wired), or with the STS error
 * when STS could not be reached.
 */
export async function verifyConnection<W extends BrokerWorkload>(
  connection: BrokerConnection,
  candidates: W | readonly W[],
  deps: VerifyDeps<W>,
): Promise<VerificationResult<W>> {
  const workloads: readonly W[] = Array.isArray(candidates) ? candidates : [candidates as W];
  const first = workloads[0];
  if (first === undefined) throw new UnprocessableError('no_workload_to_verify', 'There is no workload whose token could verify the connection.');
  const attempts = Math.max(1, deps.retry?.attempts ?? 4);
  const maxDelayMs = deps.retry?.maxDelayMs ?? 3_000;
  const sleep = deps.retry?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delayMs = deps.retry?.initialDelayMs ?? 1_000;
  const now = deps.now ?? Date.now;

  // One token per workload for all attempts unless it is about to expire: the jti names the session in CloudTrail.
  const minted = new Map<W, MintedToken>();
  const errors = new Map<W, StsCallError>();
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) {
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
    for (const workload of workloads) {
      let token = minted.get(workload);
      if (!token || token.expiresAt - now() < 60_000) {
        token = await deps.tokenSource.mint(workload, connection.tokenConfig);
        minted.set(workload, token);
      }
      try {
        const result = await deps.runChain(
          roleChainOf(connection),
          { token: token.token, sessionName: sessionNameFor(workload.id, token.jti) },
        );
        return { steps: result.steps, attempts: attempt, jti: token.jti, workload };
      } catch (error) {
        if (!(error instanceof StsCallError)) throw error;
        errors.set(workload, error);
      }
    }
  }

  // A refusal explains more than an outage: report the first workload STS refused (the first tried, when it was).
  const refused = workloads.find((workload) => errors.get(workload)?.transient === false);
  if (refused === undefined) throw errors.get(first) as StsCallError;
  const failure = (errors.get(refused) as StsCallError).failure;
  const diagnosis = deps.diagnose
    ? await deps.diagnose({ failure, connection, workload: refused, claims: minted.get(refused)?.claims ?? {} }).catch(() => undefined)
    : undefined;
  throw new UnprocessableError(
    'role_not_assumable',
    `The connection could not be verified: ${failure.operation} for ${failure.roleArn} failed after ${attempts} attempt(s): ${failure.stsCode}: ${failure.stsMessage}`,
    {
      ...failure,
      attempts,
      workload: refused.id,
      ...(workloads.length > 1 ? { workloadsTried: workloads.map((workload) => workload.id) } : {}),
      ...(diagnosis === undefined ? {} : { diagnosis }),
    },
  );
}
