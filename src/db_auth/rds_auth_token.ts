import { Signer } from '@aws-sdk/rds-signer';
import type { TemporaryCredentials } from '../aws/index.js';

/** RDS honours 15 minutes and no more, whatever is asked (AWS-REFERENCE §7.1). */
export const RDS_TOKEN_LIFETIME_MS = 15 * 60_000;

export interface RdsAuthTokenInput {
  host: string;
  port: number;
  dbUser: string;
  region: string;
  credentials: Pick<TemporaryCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiresAt'>;
}

export interface RdsAuthToken {
  /** `host:port/?Action=connect&DBUser=…&X-Amz-…&X-Amz-Signature=…`, used as the password. */
  token: string;
  /** The token's `X-Amz-Date`, epoch milliseconds. */
  signedAt: number;
  /** Signing time + 15 minutes, or the signing session's end when that comes first. */
  expiresAt: number;
}

/** `20260124T235959Z` → epoch ms. */
function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) throw new Error(`unexpected X-Amz-Date '${value}' in an RDS token`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * An Aurora/RDS IAM authentication token, signed by `@aws-sdk/rds-signer` (a SigV4 query presign
 * of `GET https://host:port/?Action=connect&DBUser=…` for service `rds-db`). Signing is local: no
 * AWS call. The credentials are passed as a value, not a provider, so the signer never walks the
 * default chain. RDS rejects a token once the session that signed it has ended, so the expiry
 * reported is the earlier of the two.
 */
export async function createRdsAuthToken(input: RdsAuthTokenInput): Promise<RdsAuthToken> {
  const signer = new Signer({
    hostname: input.host,
    port: input.port,
    username: input.dbUser,
    region: input.region,
    credentials: {
      accessKeyId: input.credentials.accessKeyId,
      secretAccessKey: input.credentials.secretAccessKey,
      sessionToken: input.credentials.sessionToken,
    },
  });
  const token = await signer.getAuthToken();
  const amzDate = new URLSearchParams(token.slice(token.indexOf('?') + 1)).get('X-Amz-Date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  return { token, signedAt, expiresAt: Math.min(signedAt + RDS_TOKEN_LIFETIME_MS, input.credentials.expiresAt) };
}
