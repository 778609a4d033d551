import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startSetupWorld, type SetupWorld } from './setup_world.js';

/** `GET /api/v1/tenants/{tenant}/trust-policy` on a real server. */
describe('GET /api/v1/tenants/{tenant}/trust-policy', () => {
  let world: SetupWorld;
  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  async function get(query: string, token = ADMIN_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${world.server.url}/api/v1/tenants/acme/trust-policy?${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('pins sub exactly for one workload, with a Rolebridge Sid naming tenant, token config and scope', async () => {
    const { status, body } = await get(`tokenConfig=aws&scope=workload:${world.workloadId}&accountId=123456789012`);
    expect(status).toBe(200);
    const prefix = world.issuer.replace(/^http:\/\//, '');
    expect(body.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: expect.stringMatching(/^RolebridgeAcmeAwsWorkloadWl/),
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${prefix}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: 'tenant:acme:deployment:prod:component:etl' } },
        },
      ],
    });
    expect(JSON.parse(body.document as string)).toEqual(body.policy);
  });

  it('opens sub only where the scope is open (deployment, tenant)', async () => {
    const prefix = world.issuer.replace(/^http:\/\//, '');
    const deployment = await get('tokenConfig=aws&scope=deployment:prod&accountId=123456789012');
    expect((deployment.body.policy as { Statement: Array<{ Sid: string; Condition: unknown }> }).Statement[0]).toMatchObject({
      Sid: 'RolebridgeAcmeAwsDeploymentProd',
      Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${prefix}:sub`]: 'tenant:acme:deployment:prod:*' } },
    });
    const tenant = await get('tokenConfig=aws&scope=tenant&accountId=123456789012');
    expect((tenant.body.policy as { Statement: Array<{ Condition: unknown }> }).Statement[0]!.Condition).toEqual({
      StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${prefix}:sub`]: 'tenant:acme:*' },
    });
  });

  it('pins any subset of placeholders, in any order, and leaves the others open', async () => {
    const prefix = world.issuer.replace(/^http:\/\//, '');
    const subjectOf = (body: Record<string, unknown>) => (body.policy as { Statement: Array<{ Condition: Record<string, Record<string, string>> }> }).Statement[0]!.Condition;
    // Every deployment's etl (seed 000's "one role for the whole tenant's Cube Store").
    const component = await get('tokenConfig=aws&scope=component:etl&accountId=123456789012');
    expect(component.status, JSON.stringify(component.body)).toBe(200);
    expect(subjectOf(component.body)).toEqual({ StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${prefix}:sub`]: 'tenant:acme:deployment:*:component:etl' } });
    expect((component.body.policy as { Statement: Array<{ Sid: string }> }).Statement[0]!.Sid).toBe('RolebridgeAcmeAwsComponentEtl');
    // Order does not matter: both name the same scope and give the same statement.
    const forward = await get('tokenConfig=aws&scope=deployment:prod,component:etl&accountId=123456789012');
    const backward = await get('tokenConfig=aws&scope=component:etl,deployment:prod&accountId=123456789012');
    expect(backward.body.policy).toEqual(forward.body.policy);
    expect(subjectOf(forward.body)).toEqual({ StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: 'tenant:acme:deployment:prod:component:etl' } });
  });

  it('refuses a scope the subject template cannot express (400, stable codes)', async () => {
    // The template has no {region}: a region pin would admit every region.
    expect(await get('tokenConfig=aws&scope=region:eu-west-1')).toMatchObject({ status: 400, body: { error: { code: 'scope_not_in_template' } } });
    expect(await get('tokenConfig=aws&scope=component:etl,region:eu-west-1')).toMatchObject({ status: 400, body: { error: { code: 'scope_not_in_template' } } });
    expect(await get('tokenConfig=aws&scope=component:etl,component:api')).toMatchObject({ status: 400, body: { error: { code: 'invalid_scope' } } });
  });

  it('renders terraform, cloudformation and cli', async () => {
    const terraform = await get('tokenConfig=aws&scope=deployment:prod,component:etl&format=terraform&roleName=acme-etl');
    expect(terraform.status).toBe(200);
    expect(terraform.body.document).toContain('resource "aws_iam_role" "acme-etl"');
    const cloudformation = await get('tokenConfig=aws&scope=tenant&format=cloudformation');
    expect(cloudformation.body.document).toContain('AWS::IAM::OIDCProvider');
    const cli = await get('tokenConfig=aws&scope=tenant&format=cli');
    expect(cli.body.document).toContain('aws iam create-role');
  });

  it('answers with stable error codes', async () => {
    expect(await get('tokenConfig=nope&scope=tenant')).toMatchObject({ status: 404, body: { error: { code: 'token_config_not_found' } } });
    expect(await get('tokenConfig=aws&scope=workload:wl_missing')).toMatchObject({ status: 404, body: { error: { code: 'workload_not_found' } } });
    expect(await get('tokenConfig=aws&scope=team:eu')).toMatchObject({ status: 400, body: { error: { code: 'invalid_scope' } } });
    expect(await get('tokenConfig=aws&scope=deployment:a*')).toMatchObject({ status: 400, body: { error: { code: 'invalid_scope' } } });
    expect((await get('tokenConfig=aws&scope=tenant', 'wrong-token')).status).toBe(401);
  });
});
