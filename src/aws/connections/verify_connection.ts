import { UnprocessableError } from '../../core/index.js';
import type { BrokerConnection } from '../broker/broker_connection.js';
import type { ChainStep, RoleChainRunner } from '../broker/role_chain.js';
import { sessionNameFor } from '../broker/session_name.js';
import type { BrokerWorkload, MintedToken, TokenSource } from '../broker/token_source.js';
import { StsCallError, type StsFailure } from '../sts_call_error.js';

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

export interface VerificationResult {
  steps: ChainStep[];
  attempts: number;
  jti: string;
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
 * retrying with bounded backoff because IAM changes take seconds to propagate. The credentials
 * obtained are dropped at once; only the steps (ARNs, session names, expirations) are returned.
 * Fails with 422 `role_not_assumable` carrying STS's code and message (and the doctor's
 * diagnosis when one is wired), or 503 `sts_unavailable` when STS could not be reached.
 */
export async function verifyConnection<W extends BrokerWorkload>(
  connection: BrokerConnection,
  workload: W,
  deps: VerifyDeps<W>,
): Promise<VerificationResult> {
  const attempts = Math.max(1, deps.retry?.attempts ?? 4);
  const maxDelayMs = deps.retry?.maxDelayMs ?? 3_000;
  const sleep = deps.retry?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delayMs = deps.retry?.initialDelayMs ?? 1_000;
  const now = deps.now ?? Date.now;

  let minted: MintedToken | undefined;
  let lastError: StsCallError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) {
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
    // One token for all attempts unless it is about to expire: the jti names the session in CloudTrail.
    if (!minted || minted.expiresAt - now() < 60_000) minted = await deps.tokenSource.mint(workload, connection.tokenConfig);
    try {
      const result = await deps.runChain(
        {
          region: connection.region,
          roleArn: connection.roleArn,
          hops: connection.chain,
          ...(connection.durationSeconds === undefined ? {} : { durationSeconds: connection.durationSeconds }),
          ...(connection.sessionPolicy === undefined ? {} : { sessionPolicy: connection.sessionPolicy }),
        },
        { token: minted.token, sessionName: sessionNameFor(workload.id, minted.jti) },
      );
      return { steps: result.steps, attempts: attempt, jti: minted.jti };
    } catch (error) {
      if (!(error instanceof StsCallError)) throw error;
      lastError = error;
    }
  }

  const failure = (lastError as StsCallError).failure;
  if ((lastError as StsCallError).transient) throw lastError as StsCallError;
  const diagnosis = deps.diagnose
    ? await deps.diagnose({ failure, connection, workload, claims: minted?.claims ?? {} }).catch(() => undefined)
    : undefined;
  throw new UnprocessableError(
    'role_not_assumable',
    `The connection could not be verified: ${failure.operation} for ${failure.roleArn} failed after ${attempts} attempt(s): ${failure.stsCode}: ${failure.stsMessage}`,
    { ...failure, attempts, ...(diagnosis === undefined ? {} : { diagnosis }) },
  );
}
