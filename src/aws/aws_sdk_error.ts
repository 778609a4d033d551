/**
 * What an AWS SDK v3 client threw, as AWS said it. The SDK keeps the wire code in `Code` (its class name may
 * differ, e.g. `ExpiredTokenException` for `ExpiredToken`), the HTTP status and request id in `$metadata`;
 * when AWS was never reached there is no status, and the code says why (`TimeoutError` or `NetworkError`).
 */
export interface AwsSdkErrorFacts {
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
}

export function awsSdkErrorFacts(error: unknown, serviceName: string): AwsSdkErrorFacts {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as {
    Code?: unknown;
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const httpStatus = sdk.$metadata?.httpStatusCode;
  const reached = typeof httpStatus === 'number';
  const code = reached ? String(sdk.Code ?? sdk.name ?? 'UnknownError') : sdk.name === 'TimeoutError' ? 'TimeoutError' : 'NetworkError';
  const message = typeof sdk.message === 'string' && sdk.message !== '' ? sdk.message : `${serviceName} did not answer.`;
  return {
    code,
    message,
    ...(reached ? { httpStatus } : {}),
    ...(sdk.$metadata?.requestId ? { requestId: sdk.$metadata.requestId } : {}),
  };
}

/** Codes that mean "not now" on any AWS service: retrying later may succeed. */
export const TRANSIENT_AWS_CODES: ReadonlySet<string> = new Set([
  'NetworkError',
  'TimeoutError',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerException',
  'ServiceFailure',
]);
