import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { AwsError } from '../aws_error.js';
import type { ActionContext } from '../emulator_service.js';
import { keyPendingDeletion, validationException } from './kms_errors.js';
import { keyArn, keyMetadata, member, requiredMember, resolveKey } from './kms_keys.js';
import { KEY_SPECS, type KeySpec, type KeyUsage, type KmsKeyRecord, type KmsTag, kmsStateOf } from './kms_state.js';

/** KMS's limits on tags (50 per key, keys of 1–128, values of 0–256 characters). */
const MAX_TAGS = 50;
/** ScheduleKeyDeletion's waiting period, in days. */
const MIN_PENDING_DAYS = 7;
const MAX_PENDING_DAYS = 30;

function tagsOf(context: ActionContext): KmsTag[] {
  const raw = context.json?.Tags;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationException('Tags must be a list of {TagKey, TagValue}.');
  return raw.map((tag: unknown) => {
    const { TagKey, TagValue } = (tag ?? {}) as Record<string, unknown>;
    if (typeof TagKey !== 'string' || TagKey.length === 0 || TagKey.length > 128 || typeof TagValue !== 'string' || TagValue.length > 256) {
      throw validationException('Each tag needs a TagKey of 1–128 and a TagValue of 0–256 characters.');
    }
    return { TagKey, TagValue };
  });
}

function mergeTags(existing: readonly KmsTag[], added: readonly KmsTag[]): KmsTag[] {
  const byKey = new Map(existing.map((t) => [t.TagKey, t]));
  for (const tag of added) byKey.set(tag.TagKey, tag);
  if (byKey.size > MAX_TAGS) throw new AwsError('TagException', 400, `A KMS key can have at most ${MAX_TAGS} tags.`);
  return [...byKey.values()];
}

/** Generates the key material a key spec names (P-256/P-384 ECDSA, RSA 2048–4096). */
function keyMaterial(spec: KeySpec): { privateKeyPem: string; publicKeyDer: string } | undefined {
  if (spec === 'SYMMETRIC_DEFAULT') return undefined;
  const { privateKey, publicKey } =
    spec === 'ECC_NIST_P256' || spec === 'ECC_NIST_P384'
      ? generateKeyPairSync('ec', { namedCurve: spec === 'ECC_NIST_P256' ? 'P-256' : 'P-384' })
      : generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)), publicExponent: 0x10001 });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

function enumError(value: string, memberName: string, allowed: readonly string[]): Error {
  return validationException(
    `1 validation error detected: Value '${value}' at '${memberName}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

export function createKey(context: ActionContext): Record<string, unknown> {
  context.authorize('kms:CreateKey', '*');
  const spec = member(context, 'KeySpec') ?? member(context, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  if (!(KEY_SPECS as readonly string[]).includes(spec)) throw enumError(spec, 'keySpec', KEY_SPECS);
  const keySpec = spec as KeySpec;
  const usage = member(context, 'KeyUsage') ?? (keySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : undefined);
  if (usage === undefined) throw validationException('You must specify a KeyUsage value for an asymmetric KMS key.');
  if (usage !== 'SIGN_VERIFY' && usage !== 'ENCRYPT_DECRYPT') throw enumError(usage, 'keyUsage', ['SIGN_VERIFY', 'ENCRYPT_DECRYPT']);
  if (usage === 'SIGN_VERIFY' && keySpec === 'SYMMETRIC_DEFAULT') {
    throw validationException('KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT');
  }
  const description = member(context, 'Description') ?? '';
  if (description.length > 8192) throw validationException('Description must be at most 8192 characters.');
  const tags = mergeTags([], tagsOf(context));
  const accountId = context.caller?.accountId ?? '';
  const keyId = randomUUID();
  const key: KmsKeyRecord = {
    keyId,
    arn: keyArn(context.region, accountId, keyId),
    accountId,
    region: context.region,
    keySpec,
    keyUsage: usage as KeyUsage,
    description,
    keyState: 'Enabled',
    creationDate: Math.floor(context.now / 1000),
    tags,
    ...keyMaterial(keySpec),
  };
  kmsStateOf(context.state).keys[keyId] = key;
  context.markChanged();
  context.event.responseElements = { keyMetadata: { keyId, arn: key.arn, keySpec, keyUsage: usage } };
  return { KeyMetadata: keyMetadata(key) };
}

export function describeKey(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:DescribeKey', key.arn);
  return { KeyMetadata: keyMetadata(key) };
}

export function listKeys(context: ActionContext): Record<string, unknown> {
  context.authorize('kms:ListKeys', '*');
  const account = context.caller?.accountId;
  const keys = Object.values(kmsStateOf(context.state).keys).filter((k) => k.accountId === account && k.region === context.region);
  return { Keys: keys.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), Truncated: false };
}

export function disableKey(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:DisableKey', key.arn);
  if (key.keyState === 'PendingDeletion') throw keyPendingDeletion(key);
  key.keyState = 'Disabled';
  context.markChanged();
  return {};
}

export function enableKey(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:EnableKey', key.arn);
  if (key.keyState === 'PendingDeletion') throw keyPendingDeletion(key);
  key.keyState = 'Enabled';
  context.markChanged();
  return {};
}

export function scheduleKeyDeletion(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:ScheduleKeyDeletion', key.arn);
  const raw = context.json?.PendingWindowInDays;
  const days = raw === undefined ? MAX_PENDING_DAYS : raw;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < MIN_PENDING_DAYS || days > MAX_PENDING_DAYS) {
    throw validationException(
      `1 validation error detected: Value '${String(raw)}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between ${MIN_PENDING_DAYS} and ${MAX_PENDING_DAYS}`,
    );
  }
  if (key.keyState === 'PendingDeletion') throw keyPendingDeletion(key);
  key.keyState = 'PendingDeletion';
  key.pendingWindowInDays = days;
  key.deletionDate = Math.floor(context.now / 1000) + days * 86_400;
  context.markChanged();
  return { KeyId: key.arn, DeletionDate: key.deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays: days };
}

/** A cancelled deletion leaves the key disabled, as in KMS. */
export function cancelKeyDeletion(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:CancelKeyDeletion', key.arn);
  if (key.keyState !== 'PendingDeletion') {
    throw new AwsError('KMSInvalidStateException', 400, `${key.arn} is not pending deletion.`);
  }
  key.keyState = 'Disabled';
  delete key.deletionDate;
  delete key.pendingWindowInDays;
  context.markChanged();
  return { KeyId: key.arn };
}

export function tagResource(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:TagResource', key.arn);
  key.tags = mergeTags(key.tags, tagsOf(context));
  context.markChanged();
  return {};
}

export function untagResource(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:UntagResource', key.arn);
  const raw = context.json?.TagKeys;
  const removed = new Set(Array.isArray(raw) ? raw.filter((k): k is string => typeof k === 'string') : []);
  key.tags = key.tags.filter((t) => !removed.has(t.TagKey));
  context.markChanged();
  return {};
}

export function listResourceTags(context: ActionContext): Record<string, unknown> {
  const key = resolveKey(context, requiredMember(context, 'KeyId'));
  context.authorize('kms:ListResourceTags', key.arn);
  return { Tags: key.tags, Truncated: false };
}
