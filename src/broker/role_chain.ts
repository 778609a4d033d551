import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, type Credentials, type STSClient } from '@aws-sdk/client-sts';
import { createStsClient, type SigningCredentials, type StsClientOptions } from '../aws/index.js';
import { awsSdkErrorFacts, stsCallErrorFrom, type StsFailure } from '../aws/index.js';
import type { TemporaryCredentials } from '../aws/index.js';

/** One `AssumeRole` after the web-identity step, signed with the previous step's session. */
export interface ChainHop {
  roleArn: string;
  externalId?: string;
  /** Defaults to the web-identity step's session name, so CloudTrail shows one name along the chain. */
  sessionName?: string;
  /** At most 3600: AWS caps sessions assumed by role chaining at one hour. */
  durationSeconds?: number;
}

/** Everything STS needs to turn one web-identity token into the final credentials. */
export interface RoleChain {
  region: string;
  roleArn: string;
  /** Web-identity session length, 900–43200 (AWS default 3600). */
  durationSeconds?: number;
  /** Session policy (JSON) applied to the last step, narrowing what the final credentials may do. */
  sessionPolicy?: string;
  hops: readonly ChainHop[];
}

/** What one step produced, without secrets: for verification answers, audit and the doctor. */
export interface ChainStep {
  operation: StsFailure['operation'];
  roleArn: string;
  sessionName: string;
  assumedRoleArn: string;
  expiresAt: number;
}

export interface RoleChainResult {
  credentials: TemporaryCredentials;
  /** The IAM role of the last step. */
  roleArn: string;
  steps: ChainStep[];
}

export interface WebIdentity {
  token: string;
  sessionName: string;
}

/** Runs a role chain; the broker and connection verification take this, tests may inject a fake. */
export type RoleChainRunner = (chain: RoleChain, identity: WebIdentity) => Promise<RoleChainResult>;

/** Told about every STS call, for metrics: latency, and the STS code when it failed. */
export type StsCallObserver = (call: { operation: StsFailure['operation']; durationMs: number; errorCode?: string }) => void;

export interface RoleChainRunnerOptions extends Omit<StsClientOptions, 'region'> {
  onStsCall?: StsCallObserver;
}

/**
 * The real runner: AssumeRoleWithWebIdentity, then each hop's AssumeRole with the SDK v3 STS
 * client. An error names the step that failed and carries STS's code and message verbatim.
 */
export function createRoleChainRunner(options: RoleChainRunnerOptions = {}): RoleChainRunner {
  // Web-identity calls are unsigned, so one client per region serves every tenant.
  const webIdentityClients = new Map<string, STSClient>();
  const clientOptions = (region: string): StsClientOptions => ({ ...options, region });

  const timed = async <T>(operation: StsFailure['operation'], call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await call();
      options.onStsCall?.({ operation, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      options.onStsCall?.({ operation, durationMs: performance.now() - started, errorCode: awsSdkErrorFacts(error, 'STS').code });
      throw error;
    }
  };

  return async (chain, identity) => {
    const steps: ChainStep[] = [];
    const lastStep = chain.hops.length;
    let client = webIdentityClients.get(chain.region);
    if (!client) {
      client = createStsClient(clientOptions(chain.region));
      webIdentityClients.set(chain.region, client);
    }
    const webIdentityClient = client;

    let current: TemporaryCredentials;
    try {
      const answer = await timed('AssumeRoleWithWebIdentity', () =>
        webIdentityClient.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: chain.roleArn,
            RoleSessionName: identity.sessionName,
            WebIdentityToken: identity.token,
            ...(chain.durationSeconds === undefined ? {} : { DurationSeconds: chain.durationSeconds }),
            ...(lastStep === 0 && chain.sessionPolicy !== undefined ? { Policy: chain.sessionPolicy } : {}),
          }),
        ),
      );
      current = temporaryCredentialsFrom(answer.Credentials, answer.AssumedRoleUser?.Arn);
    } catch (error) {
      throw stsCallErrorFrom(error, { operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: chain.roleArn });
    }
    steps.push(stepOf('AssumeRoleWithWebIdentity', chain.roleArn, identity.sessionName, current));

    for (const [index, hop] of chain.hops.entries()) {
      const step = index + 1;
      const sessionName = hop.sessionName ?? identity.sessionName;
      const signing: SigningCredentials = {
        accessKeyId: current.accessKeyId,
        secretAccessKey: current.secretAccessKey,
        sessionToken: current.sessionToken,
      };
      const hopClient = createStsClient(clientOptions(chain.region), signing);
      try {
        const answer = await timed('AssumeRole', () =>
          hopClient.send(
            new AssumeRoleCommand({
              RoleArn: hop.roleArn,
              RoleSessionName: sessionName,
              ...(hop.externalId === undefined ? {} : { ExternalId: hop.externalId }),
              ...(hop.durationSeconds === undefined ? {} : { DurationSeconds: hop.durationSeconds }),
              ...(step === lastStep && chain.sessionPolicy !== undefined ? { Policy: chain.sessionPolicy } : {}),
            }),
          ),
        );
        current = temporaryCredentialsFrom(answer.Credentials, answer.AssumedRoleUser?.Arn);
      } catch (error) {
        throw stsCallErrorFrom(error, { operation: 'AssumeRole', step, roleArn: hop.roleArn });
      } finally {
        hopClient.destroy();
      }
      steps.push(stepOf('AssumeRole', hop.roleArn, sessionName, current));
    }

    const last = steps[steps.length - 1]!;
    return { credentials: current, roleArn: last.roleArn, steps };
  };
}

function temporaryCredentialsFrom(credentials: Credentials | undefined, assumedRoleArn: string | undefined): TemporaryCredentials {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
    // Treated like any other STS failure by the caller's catch.
    throw Object.assign(new Error('STS answered without complete credentials.'), { Code: 'IncompleteResponse', $metadata: { httpStatusCode: 200 } });
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiresAt: credentials.Expiration.getTime(),
    assumedRoleArn: assumedRoleArn ?? '',
  };
}

function stepOf(operation: ChainStep['operation'], roleArn: string, sessionName: string, credentials: TemporaryCredentials): ChainStep {
  return { operation, roleArn, sessionName, assumedRoleArn: credentials.assumedRoleArn, expiresAt: credentials.expiresAt };
}
