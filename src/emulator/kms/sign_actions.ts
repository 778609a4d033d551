import { constants, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { AwsError } from '../aws_error.js';
import type { ActionContext } from '../emulator_service.js';
import { invalidKeyUsage, unsupportedSigningAlgorithm, validationException } from './kms_errors.js';
import { SIGNING_ALGORITHMS_BY_SPEC, member, requiredMember, resolveKey, usableKey } from './kms_keys.js';
import type { KmsKeyRecord } from './kms_state.js';

/** KMS signs at most 4096 bytes of RAW message. */
const MAX_MESSAGE_BYTES = 4096;

function signingKey(context: ActionContext, operation: 'Sign' | 'Verify' | 'GetPublicKey'): KmsKeyRecord {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize(`kms:${operation}`, key.arn);
  usableKey(key);
  if (key.publicKeyDer === undefined || (operation !== 'GetPublicKey' && key.keyUsage !== 'SIGN_VERIFY')) throw invalidKeyUsage(key, operation);
  return key;
}

/** The node:crypto parameters of a KMS signing algorithm. */
function algorithmParameters(key: KmsKeyRecord, algorithm: string): { digest: string; padding?: number; saltLength?: number } {
  if (!(SIGNING_ALGORITHMS_BY_SPEC[key.keySpec] ?? []).includes(algorithm)) throw unsupportedSigningAlgorithm(key, algorithm);
  const digest = `sha${algorithm.slice(-3)}`;
  if (algorithm.startsWith('RSASSA_PSS')) return { digest, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  if (algorithm.startsWith('RSASSA_PKCS1')) return { digest, padding: constants.RSA_PKCS1_PADDING };
  return { digest };
}

function messageOf(context: ActionContext): Buffer {
  const text = requiredMember(context, 'Message');
  const message = Buffer.from(text, 'base64');
  if (message.length === 0 || message.length > MAX_MESSAGE_BYTES) {
    throw validationException(
      `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${MAX_MESSAGE_BYTES}`,
    );
  }
  const type = member(context, 'MessageType') ?? 'RAW';
  // Pre-hashed messages are not emulated: rolebridge (and most callers) send RAW.
  if (type !== 'RAW') throw new AwsError('UnsupportedOperationException', 400, `MessageType ${type} is not supported by this emulator; send RAW.`);
  return message;
}

export function getPublicKey(context: ActionContext): Record<string, unknown> {
  const key = signingKey(context, 'GetPublicKey');
  return {
    KeyId: key.arn,
    PublicKey: key.publicKeyDer,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    SigningAlgorithms: SIGNING_ALGORITHMS_BY_SPEC[key.keySpec],
  };
}

/** Signs RAW messages; ECDSA signatures are DER-encoded, as KMS returns them. */
export function signMessage(context: ActionContext): Record<string, unknown> {
  const key = signingKey(context, 'Sign');
  const algorithm = requiredMember(context, 'SigningAlgorithm');
  const { digest, ...padding } = algorithmParameters(key, algorithm);
  const message = messageOf(context);
  const signature = sign(digest, message, { key: createPrivateKey(key.privateKeyPem as string), ...padding });
  return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
}

export function verifyMessage(context: ActionContext): Record<string, unknown> {
  const key = signingKey(context, 'Verify');
  const algorithm = requiredMember(context, 'SigningAlgorithm');
  const { digest, ...padding } = algorithmParameters(key, algorithm);
  const message = messageOf(context);
  const signature = Buffer.from(requiredMember(context, 'Signature'), 'base64');
  const publicKey = createPublicKey({ key: Buffer.from(key.publicKeyDer as string, 'base64'), format: 'der', type: 'spki' });
  let valid = false;
  try {
    valid = verify(digest, message, { key: publicKey, ...padding }, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new AwsError('KMSInvalidSignatureException', 400, '');
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
}
