import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorEvent, startEmulator } from '../../src/emulator/index.js';
import { expectAwsError, iamClient, stsClient } from './emulator_clients.js';
import { ACCOUNT, type Federation, ROLE_ARN, startFederation } from './federation_fixture.js';

let federation: Federation;
beforeAll(async () => {
  federation = await startFederation();
});
afterAll(async () => {
  await federation.close();
});

async function events(): Promise<EmulatorEvent[]> {
  return (await (await fetch(`${federation.emulator.url}/_emulator/events`)).json()) as EmulatorEvent[];
}

async function setFault(fault: Record<string, unknown>): Promise<Response> {
  return fetch(`${federation.emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(fault), headers: { 'content-type': 'application/json' } });
}

async function clearFaults(): Promise<void> {
  await fetch(`${federation.emulator.url}/_emulator/faults`, { method: 'DELETE' });
}

describe('CloudTrail-like events', () => {
  it('records a web-identity exchange with webIdFederationData and jti, never the token or secrets', async () => {
    const token = await federation.issuer.sign({ jti: 'audit-correlation-1' });
    const out = await federation.exchange(token);
    const record = (await events()).find((e) => e.eventName === 'AssumeRoleWithWebIdentity' && e.errorCode === undefined)!;
    expect(record).toMatchObject({
      eventSource: 'sts.amazonaws.com',
      recipientAccountId: ACCOUNT,
      userIdentity: {
        type: 'WebIdentityUser',
        userName: 'tenant:acme:workload:reporting',
        identityProvider: federation.providerArn,
        webIdFederationData: {
          federatedProvider: federation.providerArn,
          attributes: { aud: 'sts.amazonaws.com', sub: 'tenant:acme:workload:reporting', jti: 'audit-correlation-1' },
        },
      },
      requestParameters: { roleArn: ROLE_ARN, roleSessionName: 'workload-1' },
      responseElements: { credentials: { accessKeyId: out.Credentials!.AccessKeyId }, provider: federation.providerArn },
    });
    const serialised = JSON.stringify(await events());
    expect(serialised).not.toContain(token);
    expect(serialised).not.toContain(out.Credentials!.SecretAccessKey!);
    expect(serialised).not.toContain(out.Credentials!.SessionToken!);

    // Calls made with the session carry the web identity in sessionContext.
    await stsClient(federation.emulator.url, {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    const call = (await events()).at(-1)!;
    expect(call.eventName).toBe('GetCallerIdentity');
    expect(call.userIdentity).toMatchObject({
      type: 'AssumedRole',
      accessKeyId: out.Credentials!.AccessKeyId,
      sessionContext: { webIdFederationData: { federatedProvider: federation.providerArn } },
    });
  });

  it('records refusals with errorCode and errorMessage', async () => {
    await federation.exchange(await federation.issuer.sign({ aud: 'nope' })).catch(() => undefined);
    const refused = (await events()).at(-1)!;
    expect(refused).toMatchObject({ eventName: 'AssumeRoleWithWebIdentity', errorCode: 'InvalidIdentityToken', errorMessage: 'Incorrect token audience' });
  });
});

describe('fault injection', () => {
  it('throttles one action, leaving the others alone, until cleared', async () => {
    expect((await setFault({ action: 'AssumeRoleWithWebIdentity', error: 'Throttling' })).status).toBe(201);
    try {
      await expectAwsError(federation.exchange(await federation.issuer.sign()), { code: 'Throttling', status: 400, message: 'Rate exceeded' });
      await expect(stsClient(federation.emulator.url).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    } finally {
      await clearFaults();
    }
    await expect(federation.exchange(await federation.issuer.sign())).resolves.toBeDefined();
  });

  it('IDPCommunicationError, RegionDisabledException (AWS-REFERENCE §1.6 text) and outage', async () => {
    try {
      await setFault({ action: 'AssumeRoleWithWebIdentity', error: 'IDPCommunicationError' });
      await expectAwsError(federation.exchange(await federation.issuer.sign()), { code: 'IDPCommunicationError', status: 400, message: /identity provider/ });
      await setFault({ action: 'AssumeRoleWithWebIdentity', error: 'RegionDisabledException' });
      await expectAwsError(federation.exchange(await federation.issuer.sign()), {
        code: 'RegionDisabledException',
        status: 403,
        message: `STS is not activated in this region for account:${ACCOUNT}. Your account administrator can activate STS in this region using the IAM Console.`,
      });
      await setFault({ outage: true });
      await expectAwsError(iamClient(federation.emulator.url).send(new GetRoleCommand({ RoleName: 'x' })), {
        code: 'ServiceUnavailable',
        status: 503,
        message: 'Service is unavailable. Please try again later.',
      });
    } finally {
      await clearFaults();
    }
  });

  it('adds latency', async () => {
    await setFault({ action: 'GetCallerIdentity', latencyMs: 300 });
    try {
      const started = Date.now();
      await stsClient(federation.emulator.url).send(new GetCallerIdentityCommand({}));
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await clearFaults();
    }
  });

  it('refuses a malformed fault with a JSON error', async () => {
    const response = await setFault({ error: 'Meteor' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_fault');
  });
});

describe('state', () => {
  it('keeps state across restarts in the state file (mode 0600), and reset empties it', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'rolebridge-emulator-')), 'state.json');
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
    const first = await startEmulator({ port: 0, stateFile });
    await iamClient(first.url).send(new CreateRoleCommand({ RoleName: 'kept', AssumeRolePolicyDocument: trust }));
    await first.close();
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ accounts: { [ACCOUNT]: { roles: { kept: { name: 'kept' } } } } });

    const second = await startEmulator({ port: 0, stateFile });
    try {
      const role = await iamClient(second.url).send(new GetRoleCommand({ RoleName: 'kept' }));
      expect(role.Role!.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/kept`);
      expect((await fetch(`${second.url}/_emulator/reset`, { method: 'POST' })).status).toBe(204);
      await expectAwsError(iamClient(second.url).send(new GetRoleCommand({ RoleName: 'kept' })), {
        code: 'NoSuchEntity',
        status: 404,
        message: 'The role with name kept cannot be found.',
      });
    } finally {
      await second.close();
    }
  });
});
