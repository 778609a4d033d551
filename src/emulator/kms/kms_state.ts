import type { EmulatorState } from '../emulator_state.js';
import { keyedRecords } from '../emulator_state.js';

export const KEY_SPECS = ['SYMMETRIC_DEFAULT', 'ECC_NIST_P256', 'ECC_NIST_P384', 'RSA_2048', 'RSA_3072', 'RSA_4096'] as const;
export type KeySpec = (typeof KEY_SPECS)[number];
export type KeyUsage = 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** KMS's tag shape (`TagKey`/`TagValue`, unlike IAM's `Key`/`Value`). */
export interface KmsTag {
  TagKey: string;
  TagValue: string;
}

export interface KmsKeyRecord {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  description: string;
  keyState: KmsKeyState;
  /** Epoch seconds, as KMS's JSON carries timestamps. */
  creationDate: number;
  /** Epoch seconds at which a key pending deletion is gone. */
  deletionDate?: number;
  pendingWindowInDays?: number;
  tags: KmsTag[];
  /** PKCS#8 PEM of an asymmetric key; never leaves the emulator (KMS has no export). */
  privateKeyPem?: string;
  /** DER SubjectPublicKeyInfo, base64 (GetPublicKey's `PublicKey`). */
  publicKeyDer?: string;
}

export interface KmsAliasRecord {
  aliasName: string;
  aliasArn: string;
  targetKeyId: string;
  accountId: string;
  region: string;
  creationDate: number;
}

/** KMS's part of the emulator state; plain JSON so that `--state-file` keeps it. */
export interface KmsState {
  /** By key id (a UUID; unique across accounts and regions). */
  keys: Record<string, KmsKeyRecord>;
  /** By `<account>/<region>/<alias name>`. */
  aliases: Record<string, KmsAliasRecord>;
}

// The emulator state grows an optional `kms` member from here (as Redshift's does), so older state
// files without it still load and the shared state file needs no edit.
declare module '../emulator_state.js' {
  interface EmulatorState {
    kms?: KmsState;
  }
}

export function kmsStateOf(state: EmulatorState): KmsState {
  if (state.kms === undefined) return (state.kms = { keys: keyedRecords(), aliases: keyedRecords() });
  // A state read from a file has plain objects: give them the prototype-free maps a fresh state has.
  if (Object.getPrototypeOf(state.kms.keys) !== null) state.kms.keys = keyedRecords(state.kms.keys);
  if (Object.getPrototypeOf(state.kms.aliases) !== null) state.kms.aliases = keyedRecords(state.kms.aliases);
  return state.kms;
}
