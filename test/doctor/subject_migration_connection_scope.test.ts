import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startSetupWorld, type SetupWorld } from '../setup/setup_world.js';

/**
 * A connection that serves a scope (issue 18, "Connections know the scope they serve") is planned for that scope:
 * its probes carry a workload inside it and its transition and final trust policies are written for it, not for
 * whichever single workload verified the connection.
 */
const ACCOUNT = '123456789012';

describe('subject migration plan for a connection with a scope', { timeout: 120_000 }, () => {
  let world: SetupWorld;
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${world.server.url}/api/v1/tenants/acme${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    world = await startSetupWorld();
    await world.iam.send(new CreateOpenIDConnectProviderCommand({ Url: world.issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const trust = await api('GET', `/trust-policy?tokenConfig=aws&scope=component:etl&accountId=${ACCOUNT}`);
    expect(trust.status, JSON.stringify(trust.json)).toBe(200);
    await world.iam.send(new CreateRoleCommand({ RoleName: 'etl-everywhere', AssumeRolePolicyDocument: JSON.stringify(trust.json.policy) }));
    const created = await api('POST', '/connections', {
      name: 'etl-everywhere',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/etl-everywhere`,
      region: 'eu-west-1',
      tokenConfig: 'aws',
      scope: 'component:etl',
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
  });
  afterAll(async () => world?.close());

  it('writes the transition and final policies for the scope the connection serves', async () => {
    const answer = await api('POST', '/token-configs/aws/subject-migration', { subjectTemplate: 'acme/{deployment}/{component}' });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const [connection] = answer.json.connections as Array<{ name: string; scope: string | null; admitsCurrent: boolean; admitsNew: boolean; finalTrustPolicy: unknown }>;
    expect(connection).toMatchObject({ name: 'etl-everywhere', scope: 'component:etl', admitsCurrent: true, admitsNew: false });
    // Every deployment's etl, in the new format: the deployment is open, the component pinned.
    expect(JSON.stringify(connection!.finalTrustPolicy)).toContain('acme/*/etl');
  });
});
