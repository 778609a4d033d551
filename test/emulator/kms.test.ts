import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN, type TestCredentials, iamClient, runAwsCli } from './emulator_clients.js';

/** KMS in the emulator, driven by the real @aws-sdk/client-kms and the AWS CLI. */
let emulator: RunningEmulator;
/** Moves the emulator's clock; SDK clients sign with the same offset. */
let offset = 0;

function kms(credentials: TestCredentials = ADMIN): KMSClient {
  return new KMSClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: offset });
}

async function failure(call: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, now: () => Date.now() + offset });
});
afterAll(async () => {
  await emulator.close();
});

describe('KMS asymmetric signing keys', () => {
  it('creates a tagged P-256 key whose Sign output verifies with the GetPublicKey key, and Verify agrees', async () => {
    const { KeyMetadata } = await kms().send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'acme', Tags: [{ TagKey: 'tenant', TagValue: 'acme' }] }),
    );
    expect(KeyMetadata).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', KeyState: 'Enabled', Enabled: true, SigningAlgorithms: ['ECDSA_SHA_256'] });
    expect(KeyMetadata?.Arn).toBe(`arn:aws:kms:us-east-1:123456789012:key/${KeyMetadata?.KeyId}`);
    expect(Math.abs((KeyMetadata?.CreationDate as Date).getTime() - Date.now())).toBeLessThan(60_000);

    const message = Buffer.from('header.payload');
    const signed = await kms().send(new SignCommand({ KeyId: KeyMetadata?.Arn, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    const { PublicKey } = await kms().send(new GetPublicKeyCommand({ KeyId: KeyMetadata?.KeyId }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey as Uint8Array), format: 'der', type: 'spki' });
    expect(verify('sha256', message, publicKey, Buffer.from(signed.Signature as Uint8Array))).toBe(true); // DER, as KMS returns

    const verified = await kms().send(
      new VerifyCommand({ KeyId: KeyMetadata?.KeyId, Message: message, Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(verified.SignatureValid).toBe(true);
    const bad = await failure(
      kms().send(new VerifyCommand({ KeyId: KeyMetadata?.KeyId, Message: Buffer.from('other'), Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
    );
    expect(bad.name).toBe('KMSInvalidSignatureException');

    const tags = await kms().send(new ListResourceTagsCommand({ KeyId: KeyMetadata?.KeyId }));
    expect(tags.Tags).toEqual([{ TagKey: 'tenant', TagValue: 'acme' }]);
    await kms().send(new TagResourceCommand({ KeyId: KeyMetadata?.KeyId, Tags: [{ TagKey: 'kid', TagValue: 'abc' }] }));
    expect((await kms().send(new ListResourceTagsCommand({ KeyId: KeyMetadata?.KeyId }))).Tags).toHaveLength(2);
  });

  it('signs RSASSA_PKCS1_V1_5_SHA_256 with an RSA_2048 key and refuses an algorithm of another key spec', async () => {
    const { KeyMetadata } = await kms().send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
    const message = Buffer.from('rs256 input');
    const signed = await kms().send(new SignCommand({ KeyId: KeyMetadata?.KeyId, Message: message, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }));
    const { PublicKey } = await kms().send(new GetPublicKeyCommand({ KeyId: KeyMetadata?.KeyId }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey as Uint8Array), format: 'der', type: 'spki' });
    expect(verify('sha256', message, publicKey, Buffer.from(signed.Signature as Uint8Array))).toBe(true);
    const wrong = await failure(kms().send(new SignCommand({ KeyId: KeyMetadata?.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' })));
    expect(wrong).toMatchObject({ name: 'InvalidKeyUsageException', status: 400 });
  });

  it('refuses Sign with a symmetric key (InvalidKeyUsageException) and names unknown keys (NotFoundException)', async () => {
    const { KeyMetadata } = await kms().send(new CreateKeyCommand({}));
    expect(KeyMetadata?.KeyUsage).toBe('ENCRYPT_DECRYPT');
    const usage = await failure(kms().send(new SignCommand({ KeyId: KeyMetadata?.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' })));
    expect(usage.name).toBe('InvalidKeyUsageException');
    const missing = await failure(kms().send(new DescribeKeyCommand({ KeyId: '11111111-2222-3333-4444-555555555555' })));
    expect(missing).toEqual({
      name: 'NotFoundException',
      status: 400,
      message: "Key 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555' does not exist",
    });
  });

  it('disables, schedules deletion, cancels it (the key stays disabled), and forgets a key whose deletion date passed', async () => {
    const { KeyMetadata } = await kms().send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    const keyId = KeyMetadata?.KeyId as string;
    const arn = KeyMetadata?.Arn as string;
    const sign = (): Promise<unknown> => kms().send(new SignCommand({ KeyId: keyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));

    await kms().send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await failure(sign())).toEqual({ name: 'DisabledException', status: 400, message: `${arn} is disabled.` });

    const scheduled = await kms().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect(scheduled).toMatchObject({ KeyId: arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(await failure(sign())).toEqual({ name: 'KMSInvalidStateException', status: 400, message: `${arn} is pending deletion.` });
    const tooShort = await failure(kms().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 3 })));
    expect(tooShort.name).toBe('ValidationException');

    await kms().send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    expect((await kms().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState).toBe('Disabled');

    await kms().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    offset += 7 * 86_400_000 + 1000;
    expect((await failure(kms().send(new DescribeKeyCommand({ KeyId: keyId })))).name).toBe('NotFoundException');
    const { Keys } = await kms().send(new ListKeysCommand({}));
    expect(Keys?.map((k) => k.KeyId)).not.toContain(keyId);
    offset = 0;
  });

  it('resolves aliases for Sign and lists them by key', async () => {
    const { KeyMetadata } = await kms().send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    await kms().send(new CreateAliasCommand({ AliasName: 'alias/rolebridge/acme', TargetKeyId: KeyMetadata?.KeyId }));
    const signed = await kms().send(new SignCommand({ KeyId: 'alias/rolebridge/acme', Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(signed.KeyId).toBe(KeyMetadata?.Arn);
    const { Aliases } = await kms().send(new ListAliasesCommand({ KeyId: KeyMetadata?.KeyId }));
    expect(Aliases?.map((a) => a.AliasName)).toEqual(['alias/rolebridge/acme']);
    const again = await failure(kms().send(new CreateAliasCommand({ AliasName: 'alias/rolebridge/acme', TargetKeyId: KeyMetadata?.KeyId })));
    expect(again.name).toBe('AlreadyExistsException');
  });

  it('authorizes by identity policy: a user allowed only kms:Sign on one key cannot sign with another or create keys', async () => {
    const iam = iamClient(emulator.url);
    await iam.send(new CreateUserCommand({ UserName: 'signer' }));
    const { KeyMetadata: allowed } = await kms().send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    const { KeyMetadata: other } = await kms().send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'signer',
        PolicyName: 'sign',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Sign', Resource: allowed?.Arn }] }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'signer' }));
    const user = { accessKeyId: AccessKey?.AccessKeyId as string, secretAccessKey: AccessKey?.SecretAccessKey as string };
    await kms(user).send(new SignCommand({ KeyId: allowed?.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    const denied = await failure(kms(user).send(new SignCommand({ KeyId: other?.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' })));
    expect(denied).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: arn:aws:iam::123456789012:user/signer is not authorized to perform: kms:Sign on resource: ${other?.Arn}`,
    });
    expect((await failure(kms(user).send(new CreateKeyCommand({})))).name).toBe('AccessDeniedException');
  });

  it('records KMS calls in the events, without message or signature bytes', async () => {
    const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<Record<string, unknown>>;
    const signs = events.filter((e) => e.eventSource === 'kms.amazonaws.com' && e.eventName === 'Sign');
    expect(signs.length).toBeGreaterThan(0);
    expect(signs[0]?.requestParameters).toMatchObject({ signingAlgorithm: expect.any(String) });
    expect(JSON.stringify(signs)).not.toMatch(/"message"/);
    expect(events.some((e) => e.eventName === 'Sign' && e.errorCode === 'AccessDeniedException')).toBe(true);
  });
});

describe('KMS with the AWS CLI', () => {
  it('create-key, sign, get-public-key and describe-key work through botocore', async () => {
    const created = await runAwsCli(emulator.url, ['kms', 'create-key', '--key-spec', 'ECC_NIST_P256', '--key-usage', 'SIGN_VERIFY']);
    expect(created.code, created.stderr).toBe(0);
    const keyId = (JSON.parse(created.stdout) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    const signed = await runAwsCli(emulator.url, [
      'kms', 'sign', '--key-id', keyId, '--message', Buffer.from('hello').toString('base64'), '--message-type', 'RAW', '--signing-algorithm', 'ECDSA_SHA_256',
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const signature = Buffer.from((JSON.parse(signed.stdout) as { Signature: string }).Signature, 'base64');
    const publicKeyOut = await runAwsCli(emulator.url, ['kms', 'get-public-key', '--key-id', keyId]);
    const der = Buffer.from((JSON.parse(publicKeyOut.stdout) as { PublicKey: string }).PublicKey, 'base64');
    expect(verify('sha256', Buffer.from('hello'), createPublicKey({ key: der, format: 'der', type: 'spki' }), signature)).toBe(true);
    const missing = await runAwsCli(emulator.url, ['kms', 'describe-key', '--key-id', 'alias/nothing']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe(
      'An error occurred (NotFoundException) when calling the DescribeKey operation: Alias arn:aws:kms:us-east-1:123456789012:alias/nothing is not found.',
    );
  }, 180_000);
});
