import { STSClient } from '@aws-sdk/client-sts';

/** Where and how rolebridge talks to STS. */
export interface StsClientOptions {
  region: string;
  /**
   * Explicit endpoint, mainly for tests. When absent the SDK itself reads `AWS_ENDPOINT_URL_STS`,
   * then `AWS_ENDPOINT_URL` (checked in @smithy/core getEndpointUrlConfig), then real AWS.
   */
  endpoint?: string;
  /** SDK attempts per call (SDK default 3); retries only happen on throttling and 5xx. */
  maxAttempts?: number;
  /** Per-request timeout, so a hung STS cannot hold a single-flight slot forever. */
  requestTimeoutMs?: number;
  /**
   * The broker's clock, when injected: requests are signed at that time (via the SDK's
   * `systemClockOffset`) so a moved clock and STS agree, as a real clock and real STS do.
   */
  now?: () => number;
}

/** What the SDK signs a chained call with: the previous hop's session. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * One STS client. `credentials` are absent for AssumeRoleWithWebIdentity (the operation is
 * `noAuth` in the SDK's model, so nothing is signed) and are the previous hop's session for
 * each chained AssumeRole; the SDK signs with SigV4, we never do.
 */
export function createStsClient(options: StsClientOptions, credentials?: SigningCredentials): STSClient {
  return new STSClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.now === undefined ? {} : { systemClockOffset: options.now() - Date.now() }),
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 10_000, connectionTimeout: 3_000 },
    // Without credentials the SDK would walk the default chain (env, ~/.aws, IMDS) for nothing.
    credentials: credentials ?? anonymousCredentials,
  });
}

/**
 * Placeholder identity for the unsigned web-identity call: the SDK picks `noAuth` for
 * AssumeRoleWithWebIdentity and never uses it, but it keeps the client from probing IMDS.
 */
const anonymousCredentials = async (): Promise<SigningCredentials> => ({ accessKeyId: 'anonymous', secretAccessKey: 'anonymous' });
