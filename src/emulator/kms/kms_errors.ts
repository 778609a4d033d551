import { AwsError } from '../aws_error.js';
import type { KmsKeyRecord } from './kms_state.js';

/**
 * KMS's errors (JSON protocol, `__type` + `message`, HTTP 400). The texts follow what KMS answers for
 * these cases as far as public captures show them; where unconfirmed they are marked in the emulator README.
 */
export function keyNotFound(keyArnOrId: string): AwsError {
  return new AwsError('NotFoundException', 400, `Key '${keyArnOrId}' does not exist`);
}

export function aliasNotFound(aliasArn: string): AwsError {
  return new AwsError('NotFoundException', 400, `Alias ${aliasArn} is not found.`);
}

export function keyDisabled(key: KmsKeyRecord): AwsError {
  return new AwsError('DisabledException', 400, `${key.arn} is disabled.`);
}

export function keyPendingDeletion(key: KmsKeyRecord): AwsError {
  return new AwsError('KMSInvalidStateException', 400, `${key.arn} is pending deletion.`);
}

export function invalidKeyUsage(key: KmsKeyRecord, operation: string): AwsError {
  return new AwsError(
    'InvalidKeyUsageException',
    400,
    `You cannot perform this operation on a ${key.keyUsage} KMS key. ${operation} needs a ${operation === 'GetPublicKey' ? 'asymmetric' : 'SIGN_VERIFY'} KMS key.`,
  );
}

export function unsupportedSigningAlgorithm(key: KmsKeyRecord, algorithm: string): AwsError {
  return new AwsError('InvalidKeyUsageException', 400, `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
}

export function validationException(message: string): AwsError {
  return new AwsError('ValidationException', 400, message);
}

/** IAM's decision text, renamed to the JSON protocol's `AccessDeniedException`. */
export function asKmsError(error: unknown): unknown {
  if (error instanceof AwsError && error.code === 'AccessDenied') return new AwsError('AccessDeniedException', 400, error.message);
  return error;
}
