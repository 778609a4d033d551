import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export interface AwsSetupClients {
  iam: IAMClient;
  sts: STSClient;
}

export interface AwsSetupClientOptions {
  /** A named profile from ~/.aws/config; otherwise the default chain (env, profile, SSO, IMDS …). */
  profile?: string;
  region?: string;
}

/**
 * Clients for the customer's own credentials: the SDK's default chain, honouring `--profile`.
 * Endpoints are the SDK's own choice, so `AWS_ENDPOINT_URL_IAM`, `AWS_ENDPOINT_URL_STS` and
 * `AWS_ENDPOINT_URL` (read by @smithy/core's getEndpointUrlConfig) point them at the emulator.
 * IAM is global: signed for us-east-1 whatever region the connection uses.
 */
export function createAwsSetupClients(options: AwsSetupClientOptions): AwsSetupClients {
  const credentials = fromNodeProviderChain(options.profile === undefined ? {} : { profile: options.profile });
  const profile = options.profile === undefined ? {} : { profile: options.profile };
  return {
    iam: new IAMClient({ region: 'us-east-1', credentials, maxAttempts: 3, ...profile }),
    sts: new STSClient({ region: options.region ?? process.env.AWS_REGION ?? 'us-east-1', credentials, maxAttempts: 3, ...profile }),
  };
}
