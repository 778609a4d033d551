import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsError, type JsonService, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN, expectAwsError } from './emulator_clients.js';

/**
 * A new service is one EmulatorService passed in `services`: here a JSON-1.1 service driven by the real
 * Redshift Serverless client, proving routing by signing name, SigV4, authorize() and JSON errors.
 */
const serverless: JsonService = {
  protocol: 'json',
  signingName: 'redshift-serverless',
  eventSource: 'redshift-serverless.amazonaws.com',
  targetPrefix: 'RedshiftServerless',
  actions: {
    GetCredentials: (context) => {
      const workgroup = String(context.json?.workgroupName ?? '');
      const arn = `arn:aws:redshift-serverless:${context.region}:${context.caller!.accountId}:workgroup/${workgroup}`;
      context.authorize('redshift-serverless:GetCredentials', arn);
      if (workgroup !== 'analytics') throw new AwsError('ResourceNotFoundException', 400, `Serverless workgroup ${workgroup} not found.`);
      return { dbUser: 'IAMR:reporting', dbPassword: 'not-a-real-password', expiration: 1_900_000_000 };
    },
  },
};

let emulator: RunningEmulator;
let client: RedshiftServerlessClient;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, services: [serverless] });
  client = new RedshiftServerlessClient({ endpoint: emulator.url, region: 'eu-west-1', credentials: ADMIN, maxAttempts: 1 });
});
afterAll(async () => {
  await emulator.close();
});

describe('service registry', () => {
  it('routes a signed JSON-protocol request to the registered service', async () => {
    const out = await client.send(new GetCredentialsCommand({ workgroupName: 'analytics' }));
    expect(out).toMatchObject({ dbUser: 'IAMR:reporting', dbPassword: 'not-a-real-password' });
    expect(out.expiration).toEqual(new Date(1_900_000_000 * 1000));
  });

  it('renders the JSON protocol\'s errors', async () => {
    let failure: Record<string, unknown> | undefined;
    await client.send(new GetCredentialsCommand({ workgroupName: 'missing' })).catch((error: unknown) => {
      failure = error as Record<string, unknown>;
    });
    expect(failure?.name).toBe('ResourceNotFoundException');
    expect(failure?.message).toBe('Serverless workgroup missing not found.');
  });

  it('still answers STS errors in XML for Query services beside it', async () => {
    await expectAwsError(
      new STSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { ...ADMIN, secretAccessKey: 'wrong' }, maxAttempts: 1 }).send(
        new GetCallerIdentityCommand({}),
      ),
      { code: 'SignatureDoesNotMatch', status: 403, message: /^The request signature we calculated does not match/ },
    );
  });
});
