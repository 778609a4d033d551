import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  type KMSClientConfig,
} from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';
import { InvalidInputError, UnavailableError, type ErrorCode } from '../core/index.js';
import type { SigningKeyRecord } from '../store/index.js';
import { ConcurrencyLimit } from './concurrency_limit.js';
import { derToJoseSignature } from './der_signature.js';
import { publicJwkOf, type PublicJwk, type SigningAlgorithm } from './signing_key.js';
import { encodedJwtHeader, type TokenSigner } from './token_signer.js';

/** A key created in KMS: its public half (published) and ARN (stored); the private half never leaves KMS. */
export interface KmsSigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: PublicJwk;
  kmsKeyArn: string;
}

export interface KmsRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface KmsKeyCustodyOptions {
  /** ROLEBRIDGE_KMS_REGION, else the SDK's (AWS_REGION). */
  region?: string;
  /** Else the SDK reads AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Else the SDK's default credential chain. */
  credentials?: KMSClientConfig['credentials'];
  /** Sign requests in flight at once (KMS quotas are per account and region). */
  signConcurrency?: number;
  /** Throttled and failed-in-transit Sign calls are retried with exponential backoff and full jitter. */
  retry?: KmsRetryPolicy;
  /** ScheduleKeyDeletion's waiting period for retired and revoked keys (7–30 days). */
  deletionWindowDays?: number;
}

export const KMS_KEY_SPECS: Record<SigningAlgorithm, string> = { ES256: 'ECC_NIST_P256', RS256: 'RSA_2048' };
const KMS_SIGNING_ALGORITHMS: Record<SigningAlgorithm, 'ECDSA_SHA_256' | 'RSASSA_PKCS1_V1_5_SHA_256'> = {
  ES256: 'ECDSA_SHA_256',
  RS256: 'RSASSA_PKCS1_V1_5_SHA_256',
};
/** KMS signs at most 4096 bytes of RAW message; a JWT signing input is far smaller unless its claims are huge. */
const MAX_RAW_MESSAGE_BYTES = 4096;
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const TRANSIENT = new Set(['KMSInternalException', 'DependencyTimeoutException', 'ServiceUnavailable', 'InternalFailure']);
/** What KMS answers for a key that cannot sign, and what rolebridge calls it. */
const KEY_UNUSABLE: Record<string, ErrorCode> = {
  DisabledException: 'signing_key_disabled',
  NotFoundException: 'signing_key_deleted',
  KMSInvalidStateException: 'signing_key_unusable',
  AccessDeniedException: 'kms_access_denied',
  InvalidKeyUsageException: 'signing_key_unusable',
};
const STATUS_CACHE_MS = 30_000;

/** A tenant whose KMS key refused to sign or describe: what `/readyz` names. */
export interface KmsKeyFailure {
  tenantId: string;
  kid: string;
  keyArn: string;
  code: string;
}

function errorName(error: unknown): string {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e.name ?? e.Code ?? 'Error';
}

function isRetryable(error: unknown): boolean {
  const name = errorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || TRANSIENT.has(name)) return true;
  if (status !== undefined && status >= 500) return true;
  // No answer at all (connection refused or reset): try again.
  return status === undefined && !(name in KEY_UNUSABLE) && error instanceof Error && /ECONN|socket|network|timeout/i.test(`${error.name} ${error.message}`);
}

/**
 * Signing keys in AWS KMS (`ROLEBRIDGE_KEY_CUSTODY=kms`): asymmetric SIGN_VERIFY keys (ECC_NIST_P256 for ES256,
 * RSA_2048 for RS256) tagged with tenant and kid. rolebridge keeps the ARN and the public JWK (from
 * GetPublicKey; the kid stays the RFC 7638 thumbprint) and signs with KMS Sign. Sign calls are bounded in
 * concurrency and retried with backoff when KMS throttles; a key disabled or deleted outside rolebridge fails
 * with a clear 503 and is remembered for `/readyz`.
 */
export class KmsKeyCustody {
  private readonly admin: KMSClient;
  private readonly signing: KMSClient;
  private readonly limit: ConcurrencyLimit;
  private readonly retry: KmsRetryPolicy;
  readonly deletionWindowDays: number;
  private readonly failures = new Map<string, KmsKeyFailure>();
  private readonly statusCheckedAt = new Map<string, number>();

  constructor(options: KmsKeyCustodyOptions = {}) {
    const base: KMSClientConfig = {
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.admin = new KMSClient(base);
    // Sign retries are ours (bounded, with jitter, counted in tests); the SDK's would multiply them.
    this.signing = new KMSClient({ ...base, maxAttempts: 1 });
    this.limit = new ConcurrencyLimit(options.signConcurrency ?? 32);
    this.retry = options.retry ?? { attempts: 6, baseDelayMs: 50, maxDelayMs: 2000 };
    this.deletionWindowDays = options.deletionWindowDays ?? 30;
  }

  /** Creates a tenant's key in KMS, reads its public key, and tags it with tenant and kid. */
  async createKey(tenantId: string, algorithm: SigningAlgorithm): Promise<KmsSigningKey> {
    const created = await this.admin.send(
      new CreateKeyCommand({
        KeySpec: KMS_KEY_SPECS[algorithm] as 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: `rolebridge token signing key of tenant ${tenantId}`,
        Tags: [
          { TagKey: 'rolebridge:tenant', TagValue: tenantId },
          { TagKey: 'rolebridge:alg', TagValue: algorithm },
        ],
      }),
    );
    const arn = created.KeyMetadata?.Arn;
    if (arn === undefined) throw new UnavailableError('kms_unavailable', 'KMS created a key but returned no ARN.');
    const { PublicKey } = await this.admin.send(new GetPublicKeyCommand({ KeyId: arn }));
    if (PublicKey === undefined) throw new UnavailableError('kms_unavailable', `KMS returned no public key for ${arn}.`);
    const publicJwk = await publicJwkOf(createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }), algorithm);
    await this.admin.send(new TagResourceCommand({ KeyId: arn, Tags: [{ TagKey: 'rolebridge:kid', TagValue: publicJwk.kid }] }));
    return { kid: publicJwk.kid, algorithm, publicJwk, kmsKeyArn: arn };
  }

  /** A signer for a stored KMS key: the JOSE header is encoded once, the signature comes from KMS Sign. */
  signer(tenantId: string, key: Pick<SigningKeyRecord, 'kid' | 'algorithm' | 'kmsKeyArn'>): TokenSigner {
    const algorithm = key.algorithm as SigningAlgorithm;
    const keyArn = key.kmsKeyArn as string;
    const encodedHeader = encodedJwtHeader(key.kid, algorithm);
    const signPayload = async (json: string): Promise<string> => {
      const signingInput = `${encodedHeader}.${Buffer.from(json).toString('base64url')}`;
      if (Buffer.byteLength(signingInput) > MAX_RAW_MESSAGE_BYTES) {
        throw new InvalidInputError('token_too_large', `A token signed in KMS is at most ${MAX_RAW_MESSAGE_BYTES} bytes before its signature; reduce its claims.`);
      }
      const signature = await this.sign(tenantId, key.kid, keyArn, algorithm, signingInput);
      return `${signingInput}.${signature}`;
    };
    return { kid: key.kid, algorithm, signPayload, sign: (claims) => signPayload(JSON.stringify(claims)) };
  }

  private async sign(tenantId: string, kid: string, keyArn: string, algorithm: SigningAlgorithm, signingInput: string): Promise<string> {
    const command = new SignCommand({
      KeyId: keyArn,
      Message: Buffer.from(signingInput),
      MessageType: 'RAW',
      SigningAlgorithm: KMS_SIGNING_ALGORITHMS[algorithm],
    });
    try {
      const { Signature } = await this.limit.run(() => this.withRetry(() => this.signing.send(command)));
      if (Signature === undefined) throw new UnavailableError('kms_unavailable', 'KMS returned no signature.');
      this.failures.delete(tenantId);
      return (algorithm === 'ES256' ? derToJoseSignature(Signature, 32) : Buffer.from(Signature)).toString('base64url');
    } catch (error) {
      throw this.translate(error, tenantId, kid, keyArn);
    }
  }

  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= this.retry.attempts || !isRetryable(error)) throw error;
        const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
      }
    }
  }

  /** KMS's refusal as a rolebridge error that names the tenant, the kid and what to do; remembered for /readyz. */
  private translate(error: unknown, tenantId: string, kid: string, keyArn: string): Error {
    if (error instanceof UnavailableError || error instanceof InvalidInputError) return error;
    const name = errorName(error);
    const code = KEY_UNUSABLE[name];
    if (code !== undefined) {
      this.failures.set(tenantId, { tenantId, kid, keyArn, code });
      const what =
        code === 'signing_key_disabled'
          ? 'is disabled in KMS'
          : code === 'signing_key_deleted'
            ? 'no longer exists in KMS'
            : code === 'kms_access_denied'
              ? 'may not be used by rolebridge (kms:Sign denied)'
              : 'cannot sign in its current KMS state (pending deletion?)';
      return new UnavailableError(
        code,
        `The signing key ${kid} of tenant ${tenantId} ${what}. Re-enable it in KMS, or revoke it (POST /api/v1/tenants/${tenantId}/keys/${kid}/revoke) to sign with the next key.`,
        { tenantId, kid, keyArn, kmsError: name },
      );
    }
    if (THROTTLING.has(name)) return new UnavailableError('kms_throttled', 'KMS is throttling Sign requests; retry shortly.', { kmsError: name });
    return new UnavailableError('kms_unavailable', `KMS could not sign for tenant ${tenantId} (${name}).`, { kmsError: name });
  }

  /**
   * Checks that a tenant's signing key is still enabled in KMS (at most every 30 s per key), so `/readyz`
   * notices a key disabled or deleted outside rolebridge before a token request does.
   */
  async checkKey(tenantId: string, key: Pick<SigningKeyRecord, 'kid' | 'kmsKeyArn'>, now: number): Promise<void> {
    const arn = key.kmsKeyArn as string;
    const checked = this.statusCheckedAt.get(arn);
    if (checked !== undefined && now - checked < STATUS_CACHE_MS && !this.failures.has(tenantId)) return;
    this.statusCheckedAt.set(arn, now);
    try {
      const { KeyMetadata } = await this.admin.send(new DescribeKeyCommand({ KeyId: arn }));
      const state = KeyMetadata?.KeyState;
      if (state === 'Enabled') this.failures.delete(tenantId);
      else this.failures.set(tenantId, { tenantId, kid: key.kid, keyArn: arn, code: state === 'Disabled' ? 'signing_key_disabled' : 'signing_key_unusable' });
    } catch (error) {
      const code = KEY_UNUSABLE[errorName(error)];
      if (code === undefined) throw error;
      this.failures.set(tenantId, { tenantId, kid: key.kid, keyArn: arn, code });
    }
  }

  /** Tenants whose key cannot sign, as last seen. */
  failingTenants(): KmsKeyFailure[] {
    return [...this.failures.values()].sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1));
  }

  /** A key that stopped signing (retired, revoked): KMS refuses it from now on. */
  async disableKey(keyArn: string): Promise<void> {
    await this.admin.send(new DisableKeyCommand({ KeyId: keyArn }));
  }

  /** A key that left the JWKS for good: deleted by KMS after the waiting period. */
  async scheduleDeletion(keyArn: string): Promise<void> {
    await this.admin.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: this.deletionWindowDays }));
  }

  close(): void {
    this.admin.destroy();
    this.signing.destroy();
  }
}
