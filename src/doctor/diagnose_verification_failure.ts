import type { BrokerWorkload } from '../broker/index.js';
import type { VerificationFailure } from '../connections/index.js';
import type { Diagnosis } from './diagnosis.js';
import { diagnoseStsError } from './sts_error_catalog.js';

/**
 * The doctor behind verify-before-save: `createConnection`'s `diagnose` hook. It turns the last STS failure
 * of the verification into the same diagnosis the test route gives, which then rides in the 422's details.
 */
export async function diagnoseVerificationFailure<W extends BrokerWorkload>(failure: VerificationFailure<W>, now: () => number = Date.now): Promise<Diagnosis> {
  const { connection, claims } = failure;
  return diagnoseStsError(
    {
      operation: failure.failure.operation,
      step: failure.failure.step,
      roleArn: failure.failure.roleArn,
      code: failure.failure.stsCode,
      message: failure.failure.stsMessage,
      ...(failure.failure.httpStatus === undefined ? {} : { httpStatus: failure.failure.httpStatus }),
      ...(failure.failure.requestId === undefined ? {} : { requestId: failure.failure.requestId }),
    },
    {
      claims,
      connection,
      now: now(),
    },
  );
}
