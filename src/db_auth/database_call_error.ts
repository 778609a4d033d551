import { RolebridgeError, type ErrorCode } from '../core/index.js';
import { awsSdkErrorFacts, TRANSIENT_AWS_CODES } from '../aws/index.js';

/** Which Redshift call failed and what AWS said, verbatim (AWS never echoes passwords or keys). */
export interface DatabaseCallFailure {
  service: 'redshift' | 'redshift-serverless';
  operation: 'GetClusterCredentials' | 'GetCredentials' | 'GetWorkgroup';
  /** AWS's error code as on the wire; `NetworkError` when AWS was not reached. */
  awsCode: string;
  awsMessage: string;
  httpStatus?: number;
  requestId?: string;
}

/**
 * Redshift or Redshift Serverless refused or did not answer. The code says what the caller can do:
 *  - `db_access_denied` (403): the connection's role may not call the operation on that resource;
 *  - `db_resource_not_found` (404): no such cluster or workgroup in the role's account and region;
 *  - `db_request_rejected` (422): AWS rejected a parameter or the resource's state;
 *  - `db_service_unavailable` (503): unreachable, throttled or failing on AWS's side; retry later.
 */
export class DatabaseCallError extends RolebridgeError {
  readonly failure: DatabaseCallFailure;

  constructor(failure: DatabaseCallFailure) {
    const kind = classify(failure);
    super(kind.code, `${failure.operation} failed: ${failure.awsCode}: ${failure.awsMessage}`, {
      status: kind.status,
      details: { ...failure },
    });
    this.failure = failure;
  }
}

const deniedCodes = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException']);
const notFoundCodes = new Set(['ClusterNotFound', 'ClusterNotFoundFault', 'ResourceNotFoundException']);

function classify(failure: DatabaseCallFailure): { code: ErrorCode; status: number } {
  if (TRANSIENT_AWS_CODES.has(failure.awsCode) || (failure.httpStatus ?? 0) >= 500) return { code: 'db_service_unavailable', status: 503 };
  if (deniedCodes.has(failure.awsCode)) return { code: 'db_access_denied', status: 403 };
  if (notFoundCodes.has(failure.awsCode)) return { code: 'db_resource_not_found', status: 404 };
  return { code: 'db_request_rejected', status: 422 };
}

/** Turns what an SDK client threw into a DatabaseCallError; the SDK error itself is not kept (loggers serialise causes). */
export function databaseCallErrorFrom(error: unknown, where: Pick<DatabaseCallFailure, 'service' | 'operation'>): DatabaseCallError {
  if (error instanceof DatabaseCallError) return error;
  const facts = awsSdkErrorFacts(error, where.service);
  return new DatabaseCallError({
    ...where,
    awsCode: facts.code,
    awsMessage: facts.message,
    ...(facts.httpStatus === undefined ? {} : { httpStatus: facts.httpStatus }),
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
  });
}
