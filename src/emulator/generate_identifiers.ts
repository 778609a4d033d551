import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * Identifiers in the shapes AWS uses, so that clients parsing them (`ASIA…` = temporary key,
 * `AROA…` = role id) behave as with AWS. All random: nothing is derived from secrets.
 */
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function upperAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += UPPER_ALNUM[randomInt(UPPER_ALNUM.length)];
  return out;
}

export const generateIdentifiers = {
  /** Temporary access key id: `ASIA` + 16 characters. */
  sessionAccessKeyId: (): string => `ASIA${upperAlnum(16)}`,
  /** Long-term IAM user access key id: `AKIA` + 16 characters. */
  userAccessKeyId: (): string => `AKIA${upperAlnum(16)}`,
  /** 40-character secret access key. */
  secretAccessKey: (): string => randomBytes(30).toString('base64'),
  /** Opaque session token; clients treat it as a blob of unspecified size. */
  sessionToken: (): string => `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
  roleId: (): string => `AROA${upperAlnum(17)}`,
  userId: (): string => `AIDA${upperAlnum(17)}`,
  /** Managed policy id: `ANPA` + 17 characters. */
  policyId: (): string => `ANPA${upperAlnum(17)}`,
  /** Instance profile id: `AIPA` + 17 characters. */
  instanceProfileId: (): string => `AIPA${upperAlnum(17)}`,
  requestId: (): string => randomUUID(),
};
