import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  evaluatePolicy,
  lintPolicy,
  oidcProviderArn,
  PERMISSION_TEMPLATES,
  permissionPolicyFor,
  renderPolicy,
  subjectPattern,
  trustPolicyFor,
  webIdentityRequest,
  type RoleSetup,
  type SubjectScope,
} from '../../src/policy/index.js';

const ISSUER = 'https://auth.rolebridge.example/t/acme';
const ACCOUNT = '123456789012';
const TEMPLATE = 'app:deployment:{deployment}:component:{component}:region:{region}';

describe('subjectPattern', () => {
  const cases: Array<[string, SubjectScope, string]> = [
    ['one workload', { workload: { deployment: '12', component: 'api', region: 'eu-west-1' } }, 'app:deployment:12:component:api:region:eu-west-1'],
    ['one component in every region', { deployment: '12', component: 'api' }, 'app:deployment:12:component:api:*'],
    ['every component of a deployment', { deployment: '12' }, 'app:deployment:12:*'],
    ['every deployment of the tenant', { tenant: 'acme' }, 'app:deployment:*'],
    ['a workload without a region pins the rest', { workload: { deployment: '12', component: 'api' } }, 'app:deployment:12:component:api:*'],
  ];
  for (const [name, scope, expected] of cases) {
    it(name, () => expect(subjectPattern(TEMPLATE, scope)).toBe(expected));
  }

  it('fills {tenant} when the template has it', () => {
    expect(subjectPattern('{tenant}:{deployment}:{component}', { tenant: 'acme' })).toBe('acme:*');
    expect(subjectPattern('{tenant}:{deployment}:{component}', { deployment: '7', tenant: 'acme' })).toBe('acme:7:*');
  });

  it('keeps an interior wildcard when a later value is pinned', () => {
    expect(subjectPattern('app:deployment:{deployment}:component:{component}', { workload: { component: 'cube_store' } })).toBe('app:deployment:*:component:cube_store');
  });

  it('refuses wildcard values', () => {
    expect(() => subjectPattern(TEMPLATE, { deployment: '*' })).toThrow(/without \* or \?/);
  });
});

describe('trustPolicyFor', () => {
  const subjectOf = (deployment: string, component: string, region: string) => `app:deployment:${deployment}:component:${component}:region:${region}`;
  const requestFor = (sub: string, sessionTags = false) =>
    webIdentityRequest({
      claims: {
        iss: ISSUER,
        aud: 'sts.amazonaws.com',
        sub,
        ...(sessionTags ? { 'https://aws.amazon.com/tags': { principal_tags: { tenant: ['acme'] } } } : {}),
      },
      providerArn: oidcProviderArn(ACCOUNT, ISSUER),
    });

  it('uses StringEquals for an exact subject and StringLike for a pattern', () => {
    const exact = trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: subjectOf('1', 'api', 'x'), accountId: ACCOUNT });
    expect(Object.keys(exact.Statement[0]!.Condition!)).toEqual(['StringEquals']);
    const pattern = trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: 'app:deployment:1:*', accountId: ACCOUNT });
    expect(pattern.Statement[0]!.Condition).toEqual({
      StringEquals: { 'auth.rolebridge.example/t/acme:aud': 'sts.amazonaws.com' },
      StringLike: { 'auth.rolebridge.example/t/acme:sub': 'app:deployment:1:*' },
    });
    expect(pattern.Statement[0]!.Principal).toEqual({ Federated: 'arn:aws:iam::123456789012:oidc-provider/auth.rolebridge.example/t/acme' });
  });

  it('adds sts:TagSession when tokens carry session tags, and the tagged token is then allowed', () => {
    const policy = trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: 'app:*', accountId: ACCOUNT, sessionTags: true });
    expect(policy.Statement[0]!.Action).toEqual(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    expect(evaluatePolicy(policy, requestFor(subjectOf('1', 'a', 'r'), true)).decision).toBe('Allowed');
    const untagged = trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: 'app:*', accountId: ACCOUNT });
    expect(evaluatePolicy(untagged, requestFor(subjectOf('1', 'a', 'r'), true)).decision).toBe('ImplicitlyDenied');
  });

  it('refuses a sub pattern that admits everyone', () => {
    expect(() => trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: '*', accountId: ACCOUNT })).toThrow(/fixed part/);
  });

  const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
  const scopeArbitrary: fc.Arbitrary<SubjectScope> = fc.oneof(
    fc.record({ workload: fc.record({ deployment: segment, component: segment, region: segment }) }),
    fc.record({ deployment: segment, component: segment }),
    fc.record({ deployment: segment }),
    fc.constant({ tenant: 'acme' }),
  );

  it('admits exactly the workloads in scope and lints without a warning', () => {
    fc.assert(
      fc.property(scopeArbitrary, segment, segment, segment, fc.boolean(), (scope, deployment, component, region, sessionTags) => {
        const policy = trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: subjectPattern(TEMPLATE, scope), accountId: ACCOUNT, sessionTags });
        const findings = lintPolicy(policy, { issuer: ISSUER, sessionTags });
        expect(findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
        const pinned = 'workload' in scope ? scope.workload : 'deployment' in scope ? scope : {};
        const candidate = {
          deployment: 'deployment' in pinned && pinned.deployment !== undefined && deployment.length % 2 === 0 ? pinned.deployment : deployment,
          component: 'component' in pinned && pinned.component !== undefined && component.length % 2 === 0 ? pinned.component : component,
          region: 'region' in pinned && pinned.region !== undefined && region.length % 2 === 0 ? pinned.region : region,
        };
        const inScope = Object.entries(pinned).every(([key, value]) => candidate[key as keyof typeof candidate] === value);
        const decision = evaluatePolicy(policy, requestFor(subjectOf(candidate.deployment, candidate.component, candidate.region), sessionTags)).decision;
        expect(decision).toBe(inScope ? 'Allowed' : 'ImplicitlyDenied');
      }),
      { numRuns: 300 },
    );
  });
});

describe('permissionPolicyFor', () => {
  const parameters = {
    region: 'us-east-1', accountId: ACCOUNT, resultsBucket: 'athena-results', bucket: 'exports', prefix: 'acme/',
    dbResourceId: 'cluster-ABCDEFGHIJKL', dbUser: 'rolebridge', clusterIdentifier: 'analytics', dbName: 'dev',
  };

  it.each(PERMISSION_TEMPLATES)('%s lints clean and allows its own actions', (template) => {
    const policy = permissionPolicyFor(template, parameters);
    expect(lintPolicy(policy).filter((finding) => finding.severity !== 'info')).toEqual([]);
    const statement = policy.Statement[0]!;
    const action = ([] as string[]).concat(statement.Action ?? [])[0]!;
    const resource = ([] as string[]).concat(statement.Resource ?? []).find((arn) => !arn.includes('*')) ?? null;
    if (resource !== null) {
      const decision = evaluatePolicy(policy, { action, principal: { kind: 'AWS', id: `arn:aws:iam::${ACCOUNT}:role/x` }, resource, context: {} }).decision;
      expect(decision).toBe('Allowed');
    }
  });

  it('scopes S3 objects to the prefix', () => {
    const policy = permissionPolicyFor('s3-export', parameters);
    const request = (resource: string) => ({ action: 's3:PutObject', principal: { kind: 'AWS' as const, id: 'arn:aws:iam::1:role/x' }, resource, context: {} });
    expect(evaluatePolicy(policy, request('arn:aws:s3:::exports/acme/2026/report.parquet')).decision).toBe('Allowed');
    expect(evaluatePolicy(policy, request('arn:aws:s3:::exports/other/report.parquet')).decision).toBe('ImplicitlyDenied');
  });

  it('names the rds-db:connect resource as AWS documents it', () => {
    expect(permissionPolicyFor('rds-connect', parameters).Statement[0]!.Resource).toBe('arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKL/rolebridge');
  });

  it('reports a missing parameter and an unknown template', () => {
    expect(() => permissionPolicyFor('s3-export', {})).toThrow(/needs "bucket"/);
    expect(() => permissionPolicyFor('dynamodb', {})).toThrow(/Unknown permission template/);
  });
});

describe('renderPolicy', () => {
  const trustPolicy = trustPolicyFor({ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: 'app:deployment:12:*', accountId: ACCOUNT });
  const setup: RoleSetup = {
    issuer: ISSUER,
    audiences: ['sts.amazonaws.com'],
    roleName: 'acme-exports',
    trustPolicy,
    permissionPolicies: [{ name: 's3-export', policy: permissionPolicyFor('s3-export', { bucket: 'exports' }) }],
  };

  it('json is the trust policy', () => {
    expect(JSON.parse(renderPolicy('json', setup))).toEqual(trustPolicy);
  });

  it('terraform creates or reads the provider, references it from the role, pins the AWS provider and outputs the ARN', () => {
    const text = renderPolicy('terraform', setup);
    expect(text).toContain('resource "aws_iam_openid_connect_provider" "rolebridge" {');
    expect(text).toContain('data "aws_iam_openid_connect_provider" "rolebridge" {');
    expect(text).toContain(`url             = "${ISSUER}"`);
    expect(text).toContain('version = ">= 5.0, < 7.0"');
    expect(text).toContain('resource "aws_iam_role" "acme-exports" {');
    expect(text).toContain('Federated = local.oidc_provider_arn');
    expect(text).toContain('"auth.rolebridge.example/t/acme:sub" = "app:deployment:12:*"');
    expect(text).toContain('resource "aws_iam_role_policy" "acme-exports_s3-export" {');
    expect(text).toContain('role = aws_iam_role.acme-exports.id');
    expect(text).toContain('output "role_arn" {\n  value = aws_iam_role.acme-exports.arn\n}');
    expect(text).not.toContain(ACCOUNT);
  });

  it('cloudformation is YAML whose role trusts the provider it creates, or the existing one by ARN', () => {
    const text = renderPolicy('cloudformation', { ...setup, providerExists: true });
    const template = parseYaml(text, {
      customTags: [
        { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
        { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
        { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
        { tag: '!If', collection: 'seq', resolve: (value: { toJSON(): unknown }) => ({ 'Fn::If': value.toJSON() }) },
        { tag: '!Equals', collection: 'seq', resolve: (value: { toJSON(): unknown }) => ({ 'Fn::Equals': value.toJSON() }) },
      ],
    }) as { Parameters: Record<string, { Default: string }>; Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };
    expect(template.Parameters.CreateOidcProvider!.Default).toBe('false');
    expect(template.Resources.RolebridgeOidcProvider!.Condition).toBe('CreateOidcProvider');
    expect(template.Resources.RolebridgeOidcProvider!.Properties).toEqual({ Url: ISSUER, ClientIdList: ['sts.amazonaws.com'] });
    const role = template.Resources.RolebridgeRole!.Properties;
    const expected = structuredClone(trustPolicy) as unknown as { Statement: Array<{ Principal: unknown }> };
    expected.Statement[0]!.Principal = {
      Federated: {
        'Fn::If': [
          'CreateOidcProvider',
          { Ref: 'RolebridgeOidcProvider' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/auth.rolebridge.example/t/acme' },
        ],
      },
    };
    expect(role.AssumeRolePolicyDocument).toEqual(expected);
    expect(role.Policies).toEqual([{ PolicyName: 's3-export', PolicyDocument: setup.permissionPolicies![0]!.policy }]);
    expect(template.Outputs.RoleArn).toEqual({ Value: { 'Fn::GetAtt': ['RolebridgeRole', 'Arn'] } });
  });

  it('cli passes every audience in one --client-id-list and a thumbprint (run for real in test/e2e/generated_cli_script.test.ts)', () => {
    const text = renderPolicy('cli', { ...setup, audiences: ['sts.amazonaws.com', 'second'], thumbprints: ['a'.repeat(40)] });
    expect(text).toContain('AUDIENCES=(sts.amazonaws.com second)');
    expect(text).toContain(`THUMBPRINT=${'a'.repeat(40)}`);
    expect(text).toContain('--client-id-list "${AUDIENCES[@]}" --thumbprint-list "$THUMBPRINT"');
    expect(text.match(/--client-id-list/g)).toHaveLength(1);
  });

  it('rejects an unknown format', () => {
    expect(() => renderPolicy('pulumi', setup)).toThrow(/Unknown format/);
  });
});
