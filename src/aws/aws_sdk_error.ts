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

/** The AWS error code of an SDK v3 failure (`NoSuchEntity`, `AccessDenied`), whatever the SDK named its class. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { Code, name } = error as { Code?: unknown; name?: unknown };
  if (typeof Code === 'string') return Code;
  if (typeof name === 'string') return name.replace(/Exception$/, '');
  return undefined;
}

export function awsErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAccessDenied(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code === 'AccessDenied' || code === 'AccessDeniedException';
}

/** AWS slowing a caller down: retrying later succeeds. */
export const THROTTLING_AWS_CODES: readonly string[] = ['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException'];

/** AWS not answering, or failing on its side; `NetworkError` and `TimeoutError` are what the reader says when it was never reached. */
export const UNAVAILABLE_AWS_CODES: readonly string[] = [
  'NetworkError',
  'TimeoutError',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerException',
  'ServiceFailure',
  'InternalError',
];

/** Codes that mean "not now" on any AWS service: retrying later may succeed. */
export const TRANSIENT_AWS_CODES: ReadonlySet<string> = new Set([...THROTTLING_AWS_CODES, ...UNAVAILABLE_AWS_CODES]);

/**
 * The one list of transient STS answers, shared by the broker (503 `sts_unavailable`, serve stale) and the
 * doctor (a diagnosis marked `transient`). IDPCommunicationError: STS could not reach the identity provider this time.
 */
export const TRANSIENT_STS_CODES: ReadonlySet<string> = new Set([...TRANSIENT_AWS_CODES, 'IDPCommunicationError']);
