import { GetRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';
import { ADMIN_TOKEN, startSetupWorld, type SetupWorld } from './setup_world.js';

interface SetupJson {
  connection: { name: string; roleArn: string; region: string; verified?: boolean } | null;
  test: { ok: boolean } | null;
}

const ACCOUNT = DEFAULT_ACCOUNT.accountId;
/** Workloads of token config `regional` (its subject carries the region): two cube_stores in two deployments and regions, one api. */
const WORKLOADS = [
  { deployment: 'prod', component: 'cube_store', region: 'eu-west-1' },
  { deployment: 'staging', component: 'cube_store', region: 'us-east-1' },
  { deployment: 'prod', component: 'api', region: 'eu-west-1' },
] as const;

// Each case runs `setup aws` as a process against the emulator: time is no verdict here.
describe('rolebridge setup aws with a scope over any subset of placeholders', { timeout: 300_000 }, () => {
  let world: SetupWorld;
  let sts: STSClient;
  const tokens: string[] = [];

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${world.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  /** Which of the workloads' own tokens the role admits, through the emulator's STS. */
  async function admitted(roleName: string): Promise<boolean[]> {
    return Promise.all(
      tokens.map(async (token, index) => {
        try {
          await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, RoleSessionName: `scope-${index}`, WebIdentityToken: token }));
          return true;
        } catch (error) {
          expect((error as { name?: string }).name).toBe('AccessDenied');
          return false;
        }
      }),
    );
  }

  beforeAll(async () => {
    world = await startSetupWorld();
    sts = new STSClient({ endpoint: world.emulator.url, region: 'us-east-1', credentials: DEFAULT_ACCOUNT, maxAttempts: 1 });
    await admin('POST', '/api/v1/tenants/acme/token-configs', {
      name: 'regional',
      audience: 'sts.amazonaws.com',
      subjectTemplate: 'app:{tenant}:{deployment}:{component}:{region}',
      lifetimeSeconds: 300,
    });
    for (const workload of WORKLOADS) {
      const { secret } = await admin<{ secret: string }>('POST', '/api/v1/tenants/acme/workloads', workload);
      const response = await fetch(`${world.server.url}/api/v1/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tokenConfig: 'regional' }),
      });
      tokens.push(((await response.json()) as { token: string }).token);
    }
  });
  afterAll(async () => {
    sts.destroy();
    await world.close();
  });

  it('--component alone: one role for that component in every deployment, and nothing else', async () => {
    const run = await world.runSetup(['--tenant', 'acme', '--token-config', 'regional', '--role-name', 'cube-store', '--component', 'cube_store', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SetupJson;
    expect(result.connection).toMatchObject({ name: 'cube-store', verified: true });
    expect(result.test?.ok, JSON.stringify(result.test)).toBe(true);
    const trust = await world.iam.send(new GetRoleCommand({ RoleName: 'cube-store' }));
    expect(decodeURIComponent(trust.Role!.AssumeRolePolicyDocument!)).toContain('"app:acme:*:cube_store:*"');
    expect(await admitted('cube-store')).toEqual([true, true, false]);
  });

  it('--region alone: the workloads of that region (and the connection in it)', async () => {
    const run = await world.runSetup(['--tenant', 'acme', '--token-config', 'regional', '--role-name', 'eu-workloads', '--region', 'eu-west-1', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SetupJson;
    expect(result.connection).toMatchObject({ name: 'eu-workloads', region: 'eu-west-1', verified: true });
    expect(await admitted('eu-workloads')).toEqual([true, false, true]);
  });

  it('--scope takes any combination as the API writes it', async () => {
    const run = await world.runSetup(['--tenant', 'acme', '--token-config', 'regional', '--role-name', 'us-cube', '--scope', 'region:us-east-1,component:cube_store', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(await admitted('us-cube')).toEqual([false, true, false]);
  });

  it('refuses a scope the template cannot express, before any change (exit 2)', async () => {
    const run = await world.runSetup(['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'nowhere', '--region', 'eu-west-1', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has no \{region\}/);
    const conflicting = await world.runSetup(['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'nowhere', '--component', 'etl', '--tenant-wide', '--yes']);
    expect(conflicting.code).toBe(2);
  });
});
