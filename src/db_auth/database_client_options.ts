import type { SigningCredentials } from '../aws/index.js';

/** How rolebridge reaches one database control-plane API (Redshift or Redshift Serverless). */
export interface DatabaseClientOptions {
  /**
   * Explicit endpoint, mainly for tests. When absent the SDK reads `AWS_ENDPOINT_URL_REDSHIFT` /
   * `AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS`, then `AWS_ENDPOINT_URL`, then uses real AWS.
   */
  endpoint?: string;
  /** SDK attempts per call (SDK default 3); retries only happen on throttling and 5xx. */
  maxAttempts?: number;
  /** Per-request timeout, so a hung API cannot hold a single-flight slot forever. */
  requestTimeoutMs?: number;
}

/** The SDK client configuration both Redshift clients share: static session credentials, bounded time. */
export function sdkClientConfig(region: string, credentials: SigningCredentials, options: DatabaseClientOptions) {
  return {
    region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 10_000, connectionTimeout: 3_000 },
    // A value, not a provider: the SDK must never fall back to the host's default credential chain.
    credentials: { ...credentials },
  };
}
