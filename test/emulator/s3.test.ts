import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN, type TestCredentials, iamClient, runAwsCli } from './emulator_clients.js';

/** A small S3 in the emulator (path-style, SigV4), driven by @aws-sdk/client-s3, plain HTTP and the AWS CLI. */
let emulator: RunningEmulator;

function s3(credentials: TestCredentials = ADMIN): S3Client {
  return new S3Client({ endpoint: emulator.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 });
}

async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  await s3().send(new CreateBucketCommand({ Bucket: 'issuers' }));
});
afterAll(async () => {
  await emulator.close();
});

describe('S3 with the SDK', () => {
  it('puts, heads, gets and deletes an object with its content type, cache control and metadata', async () => {
    const body = JSON.stringify({ keys: [] });
    const put = await s3().send(
      new PutObjectCommand({ Bucket: 'issuers', Key: 't/acme/.well-known/jwks.json', Body: body, ContentType: 'application/json', CacheControl: 'public, max-age=300', Metadata: { kid: 'abc' } }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const head = await s3().send(new HeadObjectCommand({ Bucket: 'issuers', Key: 't/acme/.well-known/jwks.json' }));
    expect(head).toMatchObject({ ContentType: 'application/json', CacheControl: 'public, max-age=300', ContentLength: body.length, ETag: put.ETag, Metadata: { kid: 'abc' } });
    const got = await s3().send(new GetObjectCommand({ Bucket: 'issuers', Key: 't/acme/.well-known/jwks.json' }));
    expect(await got.Body?.transformToString()).toBe(body);
    await s3().send(new DeleteObjectCommand({ Bucket: 'issuers', Key: 't/acme/.well-known/jwks.json' }));
    expect(await failure(s3().send(new GetObjectCommand({ Bucket: 'issuers', Key: 't/acme/.well-known/jwks.json' })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it('lists objects by prefix and delimiter, page by page', async () => {
    for (const key of ['p/a/1', 'p/a/2', 'p/b/1', 'p/c', 'q/1']) await s3().send(new PutObjectCommand({ Bucket: 'issuers', Key: key, Body: key }));
    const all = await s3().send(new ListObjectsV2Command({ Bucket: 'issuers', Prefix: 'p/' }));
    expect(all.Contents?.map((o) => o.Key)).toEqual(['p/a/1', 'p/a/2', 'p/b/1', 'p/c']);
    const grouped = await s3().send(new ListObjectsV2Command({ Bucket: 'issuers', Prefix: 'p/', Delimiter: '/' }));
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['p/a/', 'p/b/']);
    expect(grouped.Contents?.map((o) => o.Key)).toEqual(['p/c']);
    const first = await s3().send(new ListObjectsV2Command({ Bucket: 'issuers', Prefix: 'p/', MaxKeys: 3 }));
    expect(first).toMatchObject({ IsTruncated: true, KeyCount: 3 });
    const second = await s3().send(new ListObjectsV2Command({ Bucket: 'issuers', Prefix: 'p/', ContinuationToken: first.NextContinuationToken }));
    expect(second.Contents?.map((o) => o.Key)).toEqual(['p/c']);
  });

  it('answers S3 errors: NoSuchBucket, BucketAlreadyOwnedByYou, InvalidBucketName', async () => {
    expect(await failure(s3().send(new GetObjectCommand({ Bucket: 'nothing-here', Key: 'k' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
    expect(await failure(s3().send(new CreateBucketCommand({ Bucket: 'issuers' })))).toEqual({ name: 'BucketAlreadyOwnedByYou', status: 409 });
    expect(await failure(s3().send(new CreateBucketCommand({ Bucket: 'Not_Valid' })))).toMatchObject({ name: 'InvalidBucketName', status: 400 });
  });

  it('serves public-read objects to anonymous GETs (as STS fetches an issuer) and nothing else', async () => {
    await s3().send(new PutObjectCommand({ Bucket: 'issuers', Key: 'pub/doc.json', Body: '{"a":1}', ContentType: 'application/json', ACL: 'public-read', CacheControl: 'max-age=60' }));
    await s3().send(new PutObjectCommand({ Bucket: 'issuers', Key: 'private/doc.json', Body: '{"b":2}' }));
    const open = await fetch(`${emulator.url}/issuers/pub/doc.json`);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('application/json');
    expect(open.headers.get('cache-control')).toBe('max-age=60');
    expect(await open.text()).toBe('{"a":1}');
    const etag = open.headers.get('etag') as string;
    expect((await fetch(`${emulator.url}/issuers/pub/doc.json`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const closed = await fetch(`${emulator.url}/issuers/private/doc.json`);
    expect(closed.status).toBe(403);
    expect(await closed.text()).toContain('<Code>AccessDenied</Code>');
    expect((await fetch(`${emulator.url}/issuers/pub/missing.json`)).status).toBe(403);
    expect((await fetch(`${emulator.url}/issuers/pub/doc.json`, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('authorizes by identity policy: a user allowed s3:GetObject under one prefix can read there only', async () => {
    const iam = iamClient(emulator.url);
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::issuers/pub/*' }] }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
    const reader = { accessKeyId: AccessKey?.AccessKeyId as string, secretAccessKey: AccessKey?.SecretAccessKey as string };
    await s3(reader).send(new GetObjectCommand({ Bucket: 'issuers', Key: 'pub/doc.json' }));
    expect(await failure(s3(reader).send(new GetObjectCommand({ Bucket: 'issuers', Key: 'private/doc.json' })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(s3(reader).send(new PutObjectCommand({ Bucket: 'issuers', Key: 'pub/x', Body: 'x' })))).toEqual({ name: 'AccessDenied', status: 403 });
  });

  it('rejects a wrong signature and records S3 calls in the events', async () => {
    const wrong = s3({ accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'not-the-secret' });
    expect(await failure(wrong.send(new GetObjectCommand({ Bucket: 'issuers', Key: 'pub/doc.json' })))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
    const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<Record<string, unknown>>;
    const s3Events = events.filter((e) => e.eventSource === 's3.amazonaws.com');
    expect(s3Events.map((e) => e.eventName)).toEqual(expect.arrayContaining(['CreateBucket', 'PutObject', 'GetObject', 'ListObjectsV2', 'DeleteObject']));
    expect(s3Events.find((e) => e.eventName === 'PutObject')?.requestParameters).toMatchObject({ bucketName: 'issuers' });
  });

  it('leaves Query requests to STS: an unsigned POST / without an action is still MissingAuthenticationToken', async () => {
    const response = await fetch(`${emulator.url}/`, { method: 'POST', body: 'Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('MissingAuthenticationToken');
  });
});

describe('S3 with the AWS CLI', () => {
  it('s3api create-bucket, put-object with public-read, head-object, list-objects-v2 and get-object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-s3cli-'));
    writeFileSync(join(dir, 'jwks.json'), '{"keys":[]}');
    expect((await runAwsCli(emulator.url, ['s3api', 'create-bucket', '--bucket', 'cli-bucket'])).code).toBe(0);
    const put = await runAwsCli(emulator.url, [
      's3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'a/jwks.json', '--body', join(dir, 'jwks.json'),
      '--content-type', 'application/json', '--cache-control', 'max-age=300', '--acl', 'public-read',
    ]);
    expect(put.code, put.stderr).toBe(0);
    const head = await runAwsCli(emulator.url, ['s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'a/jwks.json']);
    expect(JSON.parse(head.stdout)).toMatchObject({ ContentType: 'application/json', CacheControl: 'max-age=300', ContentLength: 11 });
    const list = await runAwsCli(emulator.url, ['s3api', 'list-objects-v2', '--bucket', 'cli-bucket']);
    expect((JSON.parse(list.stdout) as { Contents: Array<{ Key: string }> }).Contents.map((o) => o.Key)).toEqual(['a/jwks.json']);
    const get = await runAwsCli(emulator.url, ['s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'a/jwks.json', join(dir, 'out.json')]);
    expect(get.code, get.stderr).toBe(0);
    expect((await fetch(`${emulator.url}/cli-bucket/a/jwks.json`)).status).toBe(200);
    const missing = await runAwsCli(emulator.url, ['s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'nope', join(dir, 'x')]);
    expect(missing.stderr.trim()).toBe('An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.');
  }, 180_000);
});
