import type { ActionContext } from '../emulator_service.js';
import { aliasNotFound, keyDisabled, keyNotFound, keyPendingDeletion, validationException } from './kms_errors.js';
import { type KmsKeyRecord, kmsStateOf } from './kms_state.js';

/** `arn:aws:kms:<region>:<account>:key/<id>`. */
export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:aws:kms:${region}:${accountId}:${aliasName}`;
}

/** A string member of the JSON body. */
export function member(context: ActionContext, name: string): string | undefined {
  const value = context.json?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredMember(context: ActionContext, name: string): string {
  const value = member(context, name);
  if (value === undefined || value === '') {
    const lower = name.charAt(0).toLowerCase() + name.slice(1);
    throw validationException(`1 validation error detected: Value null at '${lower}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function callerAccount(context: ActionContext): string {
  if (context.caller === undefined) throw new Error('KMS actions are signed; no caller');
  return context.caller.accountId;
}

/**
 * Finds the key a `KeyId` names — key id, key ARN, alias name (`alias/x`) or alias ARN — in the caller's
 * account and region, as KMS resolves it. A key whose deletion date has passed is gone (deleted lazily).
 */
export function resolveKey(context: ActionContext, keyIdText: string): KmsKeyRecord {
  const kms = kmsStateOf(context.state);
  const account = callerAccount(context);
  const region = context.region;
  let keyId = keyIdText;
  if (keyIdText.startsWith('alias/') || /^arn:aws:kms:[^:]*:\d{12}:alias\//.test(keyIdText)) {
    const aliasName = keyIdText.startsWith('alias/') ? keyIdText : keyIdText.slice(keyIdText.indexOf(':alias/') + 1);
    const alias = kms.aliases[`${account}/${region}/${aliasName}`];
    if (alias === undefined) throw aliasNotFound(aliasArn(region, account, aliasName));
    keyId = alias.targetKeyId;
  } else if (keyIdText.startsWith('arn:')) {
    const match = /^arn:aws:kms:([^:]*):(\d{12}):key\/(.+)$/.exec(keyIdText);
    if (match === null) throw validationException(`Invalid keyId ${keyIdText}`);
    if (match[1] !== region || match[2] !== account) throw keyNotFound(keyIdText);
    keyId = match[3] as string;
  }
  const key = kms.keys[keyId];
  if (key === undefined || key.accountId !== account || key.region !== region) {
    throw keyNotFound(keyIdText.startsWith('arn:') ? keyIdText : keyArn(region, account, keyIdText));
  }
  if (key.keyState === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate * 1000 <= context.now) {
    delete kms.keys[key.keyId];
    for (const [name, alias] of Object.entries(kms.aliases)) if (alias.targetKeyId === key.keyId) delete kms.aliases[name];
    context.markChanged();
    throw keyNotFound(key.arn);
  }
  return key;
}

/** A key that may be used for a cryptographic operation now: enabled, not pending deletion. */
export function usableKey(key: KmsKeyRecord): KmsKeyRecord {
  if (key.keyState === 'Disabled') throw keyDisabled(key);
  if (key.keyState === 'PendingDeletion') throw keyPendingDeletion(key);
  return key;
}

export const SIGNING_ALGORITHMS_BY_SPEC: Record<string, string[]> = {
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
  RSA_2048: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'],
};
SIGNING_ALGORITHMS_BY_SPEC.RSA_3072 = SIGNING_ALGORITHMS_BY_SPEC.RSA_2048 as string[];
SIGNING_ALGORITHMS_BY_SPEC.RSA_4096 = SIGNING_ALGORITHMS_BY_SPEC.RSA_2048 as string[];

/** DescribeKey's `KeyMetadata`. */
export function keyMetadata(key: KmsKeyRecord): Record<string, unknown> {
  const signing = key.keyUsage === 'SIGN_VERIFY';
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate,
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    ...(key.deletionDate === undefined ? {} : { DeletionDate: key.deletionDate }),
    ...(key.pendingWindowInDays === undefined ? {} : { PendingDeletionWindowInDays: key.pendingWindowInDays }),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    ...(signing ? { SigningAlgorithms: SIGNING_ALGORITHMS_BY_SPEC[key.keySpec] } : { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] }),
    MultiRegion: false,
  };
}
