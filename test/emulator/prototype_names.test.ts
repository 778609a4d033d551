/**
 * Names and ids a caller chooses (actions, access key ids, role, user and policy names) that are also
 * properties of every JavaScript object — `constructor`, `toString`, `__proto__` — are just unknown
 * names to AWS. The emulator must answer them as AWS does, never 500, never run `Object.prototype`,
 * and a role named `__proto__` (a valid IAM name) is a role like any other.
 */
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, GetUserCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN, expectAwsError, iamClient, stsClient } from './emulator_clients.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }],
});

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-proto-'));
  emulator = await startEmulator({ port: 0, stateFile: join(dir, 'state.json') });
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A Query request signed with the admin keys, for an action no SDK would send. */
async function signedQuery(service: 'sts' | 'iam', action: string): Promise<{ status: number; body: string }> {
  const url = new URL(emulator.url);
  const body = `Action=${encodeURIComponent(action)}&Version=${service === 'sts' ? '2011-06-15' : '2010-05-08'}`;
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: ADMIN, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const response = await fetch(emulator.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: response.status, body: await response.text() };
}

describe('names that are Object.prototype properties', () => {
  it.each(PROTOTYPE_NAMES)('Action=%s is InvalidAction', async (action) => {
    for (const service of ['sts', 'iam'] as const) {
      const answer = await signedQuery(service, action);
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('<Code>InvalidAction</Code>');
    }
  });

  it.each(PROTOTYPE_NAMES)('access key id %s is InvalidClientTokenId', async (accessKeyId) => {
    await expectAwsError(stsClient(emulator.url, { accessKeyId, secretAccessKey: 'undefined' }).send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it.each(['constructor', 'toString', 'valueOf'])('role, user and role policy %s are NoSuchEntity', async (name) => {
    const iam = iamClient(emulator.url);
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: name })), { code: 'NoSuchEntity', status: 404, message: `The role with name ${name} cannot be found.` });
    await expectAwsError(iam.send(new GetUserCommand({ UserName: name })), { code: 'NoSuchEntity', status: 404, message: `The user with name ${name} cannot be found.` });
    await iam.send(new CreateRoleCommand({ RoleName: `with-${name}`, AssumeRolePolicyDocument: TRUST }));
    await expectAwsError(iam.send(new GetRolePolicyCommand({ RoleName: `with-${name}`, PolicyName: name })), {
      code: 'NoSuchEntity',
      status: 404,
      message: `The role policy with name ${name} cannot be found.`,
    });
  });

  it('a role named __proto__ is an ordinary role, and does not stand in for missing ones', async () => {
    const iam = iamClient(emulator.url);
    await iam.send(new CreateRoleCommand({ RoleName: '__proto__', AssumeRolePolicyDocument: TRUST }));
    expect((await iam.send(new GetRoleCommand({ RoleName: '__proto__' }))).Role?.RoleName).toBe('__proto__');
    expect((await iam.send(new ListRolesCommand({}))).Roles?.map((role) => role.RoleName)).toContain('__proto__');
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'arn' })), { code: 'NoSuchEntity', status: 404, message: 'The role with name arn cannot be found.' });
  });

  it('and so after the state file is read back', async () => {
    await emulator.close();
    emulator = await startEmulator({ port: 0, stateFile: join(dir, 'state.json') });
    const iam = iamClient(emulator.url);
    expect((await iam.send(new GetRoleCommand({ RoleName: '__proto__' }))).Role?.RoleName).toBe('__proto__');
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'constructor' })), { code: 'NoSuchEntity', status: 404, message: 'The role with name constructor cannot be found.' });
  });
});
