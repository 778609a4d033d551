import { awsSdkErrorFacts, TRANSIENT_STS_CODES } from './aws_sdk_error.js';
import { RolebridgeError, type ErrorCode } from '../core/index.js';

/** Which STS call of a role chain failed: step 0 is AssumeRoleWithWebIdentity, step n the n-th hop. */
export interface StsFailure {
  operation: 'AssumeRoleWithWebIdentity' | 'AssumeRole';
  step: number;
  roleArn: string;
  /** STS's own error code as on the wire (`AccessDenied`, `InvalidIdentityToken`, …); `NetworkError` when STS was not reached. */
  stsCode: string;
  /** STS's own message, verbatim; it never contains secrets (STS does not echo tokens or keys). */
  stsMessage: string;
  httpStatus?: number;
  requestId?: string;
}

/**
 * STS answered "no" or did not answer. The code says what a caller can do about it:
 *  - `access_denied` (403): STS refused the identity (trust policy, provider, audience, token);
 *  - `sts_validation_failed` (422): STS rejected a parameter (duration, session name, policy);
 *  - `sts_unavailable` (503): STS was unreachable, throttled or failed on its side; retry later.
 */
export class StsCallError extends RolebridgeError {
  readonly failure: StsFailure;

  constructor(failure: StsFailure) {
    const kind = classifyStsFailure(failure);
    super(kind.code, `${failure.operation} for ${failure.roleArn} failed: ${failure.stsCode}: ${failure.stsMessage}`, {
      status: kind.status,
      details: { ...failure },
    });
    this.failure = failure;
  }

  get transient(): boolean {
    return this.code === 'sts_unavailable';
  }
}

const validationCodes = new Set(['ValidationError', 'MalformedPolicyDocument', 'PackedPolicyTooLarge']);

function classifyStsFailure(failure: StsFailure): { code: ErrorCode; status: number } {
  if (TRANSIENT_STS_CODES.has(failure.stsCode) || (failure.httpStatus ?? 0) >= 500) return { code: 'sts_unavailable', status: 503 };
  if (validationCodes.has(failure.stsCode)) return { code: 'sts_validation_failed', status: 422 };
  return { code: 'access_denied', status: 403 };
}

/** Turns whatever the SDK threw into an StsCallError naming the step; the SDK keeps the wire code in `Code`. */
export function stsCallErrorFrom(error: unknown, where: Pick<StsFailure, 'operation' | 'step' | 'roleArn'>): StsCallError {
  if (error instanceof StsCallError) return error;
  const facts = awsSdkErrorFacts(error, 'STS');
  // The SDK error is not kept as `cause`: loggers serialise causes, and we log only what we chose.
  return new StsCallError({
    ...where,
    stsCode: facts.code,
    stsMessage: facts.message,
    ...(facts.httpStatus === undefined ? {} : { httpStatus: facts.httpStatus }),
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
  });
}
