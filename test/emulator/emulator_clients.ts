import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';

/** Credentials as the SDK takes them. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ADMIN: TestCredentials = {
  accessKeyId: DEFAULT_ACCOUNT.accessKeyId,
  secretAccessKey: DEFAULT_ACCOUNT.secretAccessKey,
};

/** Real SDK clients pointed at the emulator; retries off so error tests see the first answer. */
export function stsClient(endpoint: string, credentials: TestCredentials = ADMIN): STSClient {
  return new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export function iamClient(endpoint: string, credentials: TestCredentials = ADMIN): IAMClient {
  return new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** Debian's awscli (CI installs it at /usr/bin/aws); falls back to `aws` on PATH. */
export const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the AWS CLI against the emulator with a clean HOME so no user configuration leaks in. */
export async function runAwsCli(endpoint: string, args: string[], credentials: TestCredentials | null = ADMIN): Promise<CliResult> {
  const home = mkdtempSync(join(tmpdir(), 'rolebridge-awscli-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_PAGER: '',
  };
  if (credentials) {
    env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(AWS_CLI, [...args, '--endpoint-url', endpoint, '--output', 'json'], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** A trust policy for the test issuer: `Federated` provider, `aud` and a `sub` pattern. */
export function webIdentityTrustPolicy(providerArn: string, prefix: string, sub: string, extraActions: string[] = []): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithWebIdentity', ...extraActions],
        Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${prefix}:sub`]: sub } },
      },
    ],
  });
}

export interface ExpectedAwsError {
  code: string;
  status: number;
  /** Exact text, or a pattern where the text carries values (epochs, ids). */
  message: string | RegExp;
  type?: 'Sender' | 'Receiver';
}

/** Asserts the SDK call failed with exactly this wire error (`<Code>`, HTTP status, `<Message>`, `<Type>`). */
export async function expectAwsError(call: Promise<unknown>, expected: ExpectedAwsError): Promise<void> {
  const { expect } = await import('vitest');
  let failure: Record<string, unknown> | undefined;
  try {
    await call;
  } catch (error) {
    failure = error as Record<string, unknown>;
  }
  expect(failure, `expected ${expected.code}, but the call succeeded`).toBeDefined();
  const metadata = failure!.$metadata as { httpStatusCode?: number };
  expect({ code: failure!.Code, status: metadata.httpStatusCode, type: failure!.Type }).toEqual({
    code: expected.code,
    status: expected.status,
    type: expected.type ?? (expected.status >= 500 ? 'Receiver' : 'Sender'),
  });
  if (typeof expected.message === 'string') expect(failure!.message).toBe(expected.message);
  else expect(failure!.message).toMatch(expected.message);
}
