import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ProbeKind } from '../issuer/index.js';
import { type BrokerConnection, roleChainOf } from '../broker/index.js';
import { createRoleChainRunner, type RoleChainResult, type RoleChainRunner, type RoleChainRunnerOptions } from '../broker/index.js';
import { sessionNameFor } from '../broker/index.js';
import type { MintedToken } from '../broker/index.js';
import { awsSdkErrorFacts, createStsClient, StsCallError } from '../aws/index.js';
import { checkIssuerPublication, type IssuerPublication } from './check_issuer_publication.js';
import type { ConnectionTestResult, ProbeResult, TestStep } from './connection_test_result.js';
import { diagnosisOf, type Diagnosis, type DiagnosisFinding } from './diagnosis.js';
import { runNegativeProbes, type MintedProbe, PROBE_ORDER, type ServedScope } from './negative_probes.js';
import { diagnoseStsError, type DiagnosisContext } from './sts_error_catalog.js';
import { webIdentityFacts } from './web_identity_context.js';

/** Where the doctor's tokens come from: the issuer, for the connection's workload. */
export interface DoctorTokens {
  /** The token the connection's workload gets. */
  connectionToken(): Promise<MintedToken>;
  /** A token the role must refuse, signed by the same key; or why the probe does not apply. */
  probeToken(probe: ProbeKind): Promise<MintedProbe>;
}

export interface TestConnectionOptions {
  connection: BrokerConnection;
  /** The workload whose identity the test uses (names the session `rb-<workload>-<jti>`). */
  workloadId: string;
  tokens: DoctorTokens;
  /** STS endpoint, timeouts (the region is the connection's); also used for GetCallerIdentity. */
  sts?: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  /**
   * The broker's own chain runner, so the doctor exchanges exactly as workloads do. Without it the doctor
   * builds one from `sts` with the same factory (and then also reports each call's duration).
   */
  runChain?: RoleChainRunner;
  /** The role's trust policy, when known: the diagnosis then names the failing statement and condition. */
  trustPolicy?: string | object;
  now: () => number;
  /** Which probes to run after a successful exchange (default: all). */
  probes?: readonly ProbeKind[];
  issuerFetchTimeoutMs?: number;
  /** The scope the connection serves, when it names one (probes outside it then fail the test). */
  scope?: ServedScope;
}

const stepNameOf = (index: number): string => (index === 0 ? 'assume_role_with_web_identity' : `assume_role[${index}]`);

/**
 * The doctor's "Test connection": mint the connection's token, fetch discovery + JWKS as STS would, run
 * AssumeRoleWithWebIdentity and every hop with the broker's own chain runner, GetCallerIdentity with the
 * result, then the negative probes. Every failure becomes a diagnosis; nothing is thrown for a negative
 * verdict. Credentials obtained are used for GetCallerIdentity and dropped.
 */
export async function testConnection(options: TestConnectionOptions): Promise<ConnectionTestResult> {
  const { connection, now } = options;
  const steps: TestStep[] = [];
  const timings: number[] = [];
  const runChain: RoleChainRunner = options.runChain
    ? timedRunner(options.runChain, timings)
    : createRoleChainRunner({ maxAttempts: 2, ...options.sts, onStsCall: (call) => timings.push(Math.round(call.durationMs)) });

  // 1. The token.
  let minted: MintedToken;
  const tokenStarted = performance.now();
  try {
    minted = await options.tokens.connectionToken();
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unknown error';
    steps.push({ name: 'token', status: 'failed', durationMs: since(tokenStarted), detail: `No token could be minted: ${message}` });
    skipRest(steps, connection);
    const diagnosis = diagnosisOf(
      [
        {
          code: 'token_not_issued',
          cause: `rolebridge could not mint the connection's token: ${message}`,
          setting: `token config ${connection.tokenConfig}`,
          actual: message,
          expected: 'a token config, an active signing key and an enabled workload',
          fix: 'Fix the token config or workload named above (GET /tenants/{t}/token-configs, /keys), then test again.',
        },
      ],
      { basis: 'sts_error' },
    );
    return { ok: false, steps, diagnosis, probes: [], warnings: [] };
  }
  const claims = minted.claims;
  steps.push(tokenStep(minted, since(tokenStarted)));
  const issuer = typeof claims.iss === 'string' ? claims.iss : '';

  // 2. Discovery and JWKS, as STS fetches them.
  const issuerStarted = performance.now();
  const publication = await checkIssuerPublication(minted.token, issuer, options.issuerFetchTimeoutMs);
  const issuerStep: TestStep = { name: 'issuer', status: publication.status, durationMs: since(issuerStarted), detail: publication.detail, data: publication.data };
  steps.push(issuerStep);

  // 3. The exchange, with the broker's runner.
  const sessionName = sessionNameFor(options.workloadId, minted.jti);
  const context: DiagnosisContext = {
    claims,
    issuer,
    connection,
    sessionName,
    ...(options.trustPolicy === undefined ? {} : { trustPolicy: options.trustPolicy }),
    now: now(),
  };
  let result: RoleChainResult;
  try {
    result = await runChain(
      roleChainOf(connection),
      { token: minted.token, sessionName },
    );
  } catch (error) {
    if (!(error instanceof StsCallError)) throw error;
    const failure = error.failure;
    for (let index = 0; index <= connection.chain.length; index += 1) {
      const roleArn = index === 0 ? connection.roleArn : connection.chain[index - 1]!.roleArn;
      if (index < failure.step) steps.push({ name: stepNameOf(index), status: 'ok', durationMs: timings[index] ?? 0, detail: `Assumed ${roleArn}.` });
      else if (index === failure.step) {
        steps.push({
          name: stepNameOf(index),
          status: 'failed',
          durationMs: timings.at(-1) ?? 0,
          detail: `${failure.operation} on ${failure.roleArn} failed: ${failure.stsCode}: ${failure.stsMessage}`,
          data: { stsCode: failure.stsCode, stsMessage: failure.stsMessage, ...(failure.requestId ? { requestId: failure.requestId } : {}) },
        });
      } else steps.push({ name: stepNameOf(index), status: 'skipped', durationMs: 0, detail: 'Not run: an earlier step failed.' });
    }
    steps.push({ name: 'get_caller_identity', status: 'skipped', durationMs: 0, detail: 'Not run: an earlier step failed.' });
    const diagnosis = diagnoseStsError(
      {
        operation: failure.operation,
        step: failure.step,
        roleArn: failure.roleArn,
        code: failure.stsCode,
        message: failure.stsMessage,
        ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
        ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
      },
      context,
    );
    return { ok: false, steps, diagnosis: withIssuerFinding(diagnosis, publication, issuer), probes: [], warnings: [] };
  }
  for (const [index, step] of result.steps.entries()) {
    steps.push({
      name: stepNameOf(index),
      status: 'ok',
      durationMs: timings[index] ?? 0,
      detail: `Assumed ${step.roleArn} as ${step.assumedRoleArn}, until ${new Date(step.expiresAt).toISOString()}.`,
      data: { roleArn: step.roleArn, assumedRoleArn: step.assumedRoleArn, sessionName: step.sessionName, expiresAt: new Date(step.expiresAt).toISOString() },
    });
  }
  // STS fetched the keys although rolebridge could not from here (a split-horizon network): not a failure.
  if (issuerStep.status === 'failed') {
    issuerStep.status = 'warning';
    issuerStep.detail = `${issuerStep.detail} STS fetched them nonetheless, so only this server's view of the issuer is affected.`;
  }

  // 4. Who the credentials are.
  const identityStarted = performance.now();
  const client = createStsClient({ maxAttempts: 2, ...options.sts, region: connection.region }, result.credentials);
  let diagnosis: Diagnosis | undefined;
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    steps.push({
      name: 'get_caller_identity',
      status: 'ok',
      durationMs: since(identityStarted),
      detail: `The credentials are ${identity.Arn ?? '?'} (account ${identity.Account ?? '?'}).`,
      data: { arn: identity.Arn, account: identity.Account, userId: identity.UserId },
    });
  } catch (error) {
    const { code, message } = awsSdkErrorFacts(error, 'STS');
    steps.push({ name: 'get_caller_identity', status: 'failed', durationMs: since(identityStarted), detail: `GetCallerIdentity failed: ${code}: ${message}` });
    diagnosis = diagnoseStsError(
      { operation: 'GetCallerIdentity', step: connection.chain.length + 1, roleArn: result.roleArn, code, message },
      context,
    );
  } finally {
    client.destroy();
  }

  // 5. Tokens the role must refuse.
  let probes: ProbeResult[] = [];
  if (diagnosis === undefined) {
    probes = await runNegativeProbes(
      {
        mintProbe: (probe) => options.tokens.probeToken(probe),
        runChain,
        region: connection.region,
        roleArn: connection.roleArn,
        connectionFacts: webIdentityFacts({ claims, roleArn: connection.roleArn, issuer, sessionName }),
        ...(options.trustPolicy === undefined ? {} : { trustPolicy: options.trustPolicy }),
        ...(options.scope === undefined ? {} : { scope: options.scope }),
      },
      options.probes ?? PROBE_ORDER,
    );
    diagnosis = probes.find((probe) => probe.status === 'accepted' && probe.severity === 'error')?.finding;
  }
  const warnings = probes.flatMap((probe) => (probe.status === 'accepted' && probe.severity === 'warning' && probe.finding ? [probe.finding] : []));
  return { ok: diagnosis === undefined, steps, ...(diagnosis === undefined ? {} : { diagnosis }), probes, warnings };
}

function tokenStep(minted: MintedToken, durationMs: number): TestStep {
  const { claims } = minted;
  const tags = claims['https://aws.amazon.com/tags'] as { principal_tags?: Record<string, unknown> } | undefined;
  const shownTags = tags?.principal_tags ? Object.fromEntries(Object.entries(tags.principal_tags).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])) : undefined;
  const aud = Array.isArray(claims.aud) ? claims.aud.join(', ') : String(claims.aud ?? '');
  return {
    name: 'token',
    status: 'ok',
    durationMs,
    detail: `iss ${String(claims.iss)}, aud ${aud}, sub ${String(claims.sub)}${shownTags ? `, tags ${Object.entries(shownTags).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : ''}.`,
    data: {
      iss: claims.iss,
      aud: claims.aud,
      sub: claims.sub,
      jti: minted.jti,
      exp: claims.exp,
      ...(shownTags ? { tags: shownTags } : {}),
    },
  };
}

/** When the issuer step also failed, its finding joins STS's: STS's texts rarely say which fetch failed. */
function withIssuerFinding(diagnosis: Diagnosis, publication: IssuerPublication, issuer: string): Diagnosis {
  if (publication.status !== 'failed') return diagnosis;
  const finding: DiagnosisFinding = {
    code: publication.problem ?? 'issuer_unreachable',
    cause: publication.detail,
    setting: `issuer ${issuer} › discovery document and JWKS`,
    actual: publication.detail,
    expected: 'discovery and JWKS served over https, naming the token\'s issuer and publishing its signing key',
    fix: 'Make the issuer\'s /.well-known/openid-configuration and jwks_uri publicly reachable, as the issuer step describes.',
  };
  const findings: [DiagnosisFinding, ...DiagnosisFinding[]] = [diagnosis.findings[0]!, ...diagnosis.findings.slice(1), finding];
  return diagnosisOf(findings, {
    basis: diagnosis.basis,
    transient: diagnosis.transient,
    ...(diagnosis.confirm === undefined ? {} : { confirm: diagnosis.confirm }),
    ...(diagnosis.correctedStatement === undefined ? {} : { correctedStatement: diagnosis.correctedStatement }),
    ...(diagnosis.correctedDocument === undefined ? {} : { correctedDocument: diagnosis.correctedDocument }),
    ...(diagnosis.offeredFix === undefined ? {} : { offeredFix: diagnosis.offeredFix }),
    ...(diagnosis.sts === undefined ? {} : { sts: diagnosis.sts }),
  });
}

function skipRest(steps: TestStep[], connection: BrokerConnection): void {
  const names = ['issuer', ...Array.from({ length: connection.chain.length + 1 }, (_, index) => stepNameOf(index)), 'get_caller_identity'];
  for (const name of names) steps.push({ name, status: 'skipped', durationMs: 0, detail: 'Not run: an earlier step failed.' });
}

const since = (started: number): number => Math.round(performance.now() - started);

/** An injected runner reports no per-call times: its whole run is timed and shown on the last step it reached. */
function timedRunner(runChain: RoleChainRunner, timings: number[]): RoleChainRunner {
  return async (chain, identity) => {
    const started = performance.now();
    try {
      const result = await runChain(chain, identity);
      timings.push(...result.steps.map((_, index) => (index === result.steps.length - 1 ? since(started) : 0)));
      return result;
    } catch (error) {
      const failedStep = error instanceof StsCallError ? error.failure.step : 0;
      timings.push(...Array.from({ length: failedStep }, () => 0), since(started));
      throw error;
    }
  };
}
