/** What every room that calls AWS shares: the STS client factory, the one reader of SDK errors, temporary credentials. */
export { createStsClient, type StsClientOptions, type SigningCredentials } from './sts_client.js';
export {
  awsErrorCode,
  awsErrorMessage,
  awsSdkErrorFacts,
  isAccessDenied,
  THROTTLING_AWS_CODES,
  TRANSIENT_AWS_CODES,
  TRANSIENT_STS_CODES,
  UNAVAILABLE_AWS_CODES,
  type AwsSdkErrorFacts,
} from './aws_sdk_error.js';
export { StsCallError, stsCallErrorFrom, type StsFailure } from './sts_call_error.js';
export type { TemporaryCredentials } from './temporary_credentials.js';
