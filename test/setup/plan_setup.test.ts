import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSetup, PERMISSION_POLICY_NAME, type AccountState, type DesiredSetup } from '../../src/setup/plan_setup.js';
import { permissionNeeds } from '../../src/setup/check_permissions.js';
import type { PolicyJson } from '../../src/policy/index.js';

const ISSUER = 'https://id.example.com/t/acme';
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/id.example.com/t/acme';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/acme-etl';
const statement = {
  Sid: 'RolebridgeAcmeAwsTenant',
  Effect: 'Allow' as const,
  Principal: { Federated: PROVIDER_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'id.example.com/t/acme:aud': 'sts.amazonaws.com' }, StringLike: { 'id.example.com/t/acme:sub': 'acme:*' } },
};
const exportPolicy: PolicyJson = { Version: '2012-10-17', Statement: [{ Sid: 'Export', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }] };
const desired: DesiredSetup = {
  accountId: '123456789012',
  issuerUrl: ISSUER,
  audience: 'sts.amazonaws.com',
  roleName: 'acme-etl',
  trustStatement: statement,
  permissionPolicy: exportPolicy,
};

/** The state the plan leads to, as if every planned change had been applied. */
function applied(plan: ReturnType<typeof planSetup>, state: AccountState): AccountState {
  const next: AccountState = structuredClone(state);
  for (const change of plan) {
    if (change.status !== 'planned') continue;
    const call = change.call;
    if (call.operation === 'CreateOpenIDConnectProvider') next.provider = { arn: PROVIDER_ARN, clientIds: call.input.ClientIDList };
    if (call.operation === 'AddClientIDToOpenIDConnectProvider') next.provider!.clientIds.push(call.input.ClientID);
    if (call.operation === 'CreateRole') next.role = { name: 'acme-etl', arn: ROLE_ARN, trustPolicy: JSON.parse(call.input.AssumeRolePolicyDocument) as PolicyJson, inlinePolicies: {} };
    if (call.operation === 'UpdateAssumeRolePolicy') next.role!.trustPolicy = JSON.parse(call.input.PolicyDocument) as PolicyJson;
    if (call.operation === 'PutRolePolicy') next.role!.inlinePolicies[call.input.PolicyName] = JSON.parse(call.input.PolicyDocument) as PolicyJson;
  }
  return next;
}

const accountStates: fc.Arbitrary<AccountState> = fc.record(
  {
    provider: fc.record({ arn: fc.constant(PROVIDER_ARN), clientIds: fc.subarray(['sts.amazonaws.com', 'other-audience']) }),
    role: fc.record({
      name: fc.constant('acme-etl'),
      arn: fc.constant(ROLE_ARN),
      trustPolicy: fc.constantFrom<PolicyJson>(
        { Version: '2012-10-17', Statement: [] },
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        { Version: '2012-10-17', Statement: [{ ...statement, Condition: { StringEquals: { 'id.example.com/t/acme:sub': 'old' } } }] },
      ),
      inlinePolicies: fc.constantFrom<Record<string, PolicyJson>>({}, { [PERMISSION_POLICY_NAME]: exportPolicy }, { Other: exportPolicy }),
    }),
  },
  { requiredKeys: [] },
);

describe('planSetup', () => {
  it('plans a fresh account in dependency order: provider, role, permissions', () => {
    const plan = planSetup(desired, {});
    expect(plan.map((change) => [change.action, change.status, change.target])).toEqual([
      ['CreateOpenIDConnectProvider', 'planned', PROVIDER_ARN],
      ['CreateRole', 'planned', ROLE_ARN],
      ['PutRolePolicy', 'planned', `${ROLE_ARN}/policy/${PERMISSION_POLICY_NAME}`],
    ]);
    expect(plan[0]!.cliCommand).toBe(`aws iam create-open-id-connect-provider --url ${ISSUER} --client-id-list sts.amazonaws.com`);
    expect(permissionNeeds(plan)).toEqual([
      { action: 'iam:CreateOpenIDConnectProvider', resource: PROVIDER_ARN },
      { action: 'iam:CreateRole', resource: ROLE_ARN },
      { action: 'iam:PutRolePolicy', resource: ROLE_ARN },
    ]);
  });

  it('adds the audience to an existing provider instead of recreating it', () => {
    const plan = planSetup(desired, { provider: { arn: PROVIDER_ARN, clientIds: ['other'] } });
    expect(plan[0]).toMatchObject({ action: 'AddClientIDToOpenIDConnectProvider', status: 'planned' });
    expect(plan[0]!.cliCommand).toBe(`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${PROVIDER_ARN} --client-id sts.amazonaws.com`);
  });

  it('converges: after applying any plan, the next plan is all unchanged (property)', () => {
    fc.assert(
      fc.property(accountStates, (state) => {
        const second = planSetup(desired, applied(planSetup(desired, state), state));
        expect(second.every((change) => change.status === 'unchanged')).toBe(true);
      }),
    );
  });

  it('never drops an inline policy or trust statement it does not own (property)', () => {
    fc.assert(
      fc.property(accountStates, (state) => {
        const after = applied(planSetup(desired, state), state);
        for (const foreign of (state.role?.trustPolicy.Statement ?? []).filter((s) => !s.Sid?.startsWith('Rolebridge'))) {
          expect(after.role!.trustPolicy.Statement).toContainEqual(foreign);
        }
        if (state.role?.inlinePolicies.Other) expect(after.role!.inlinePolicies.Other).toEqual(exportPolicy);
        for (const id of state.provider?.clientIds ?? []) expect(after.provider!.clientIds).toContain(id);
      }),
    );
  });

  it('with a chained role in the same account: the first role may assume it, the chained role trusts the first with the ExternalId and carries the permissions', () => {
    const chainArn = 'arn:aws:iam::123456789012:role/acme-athena';
    const plan = planSetup({ ...desired, chain: { roleArn: chainArn, externalId: 'acme-7d1f' } }, {});
    expect(plan.map((change) => [change.action, change.target])).toEqual([
      ['CreateOpenIDConnectProvider', PROVIDER_ARN],
      ['CreateRole', ROLE_ARN],
      ['PutRolePolicy', `${ROLE_ARN}/policy/${PERMISSION_POLICY_NAME}`],
      ['CreateRole', chainArn],
      ['PutRolePolicy', `${chainArn}/policy/${PERMISSION_POLICY_NAME}`],
    ]);
    expect(plan[2]!.document!.after.Statement).toEqual([{ Sid: 'RolebridgeAssumeChainedRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: chainArn }]);
    expect(plan[3]!.document!.after.Statement).toEqual([
      {
        Sid: 'RolebridgeChainFromAcmeEtl',
        Effect: 'Allow',
        Principal: { AWS: ROLE_ARN },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'acme-7d1f' } },
      },
    ]);
  });

  it('with a chained role in another account: only the first hop is planned here', () => {
    const plan = planSetup({ ...desired, chain: { roleArn: 'arn:aws:iam::210987654321:role/partner', externalId: 'x1' } }, {});
    expect(plan.map((change) => change.target)).toEqual([PROVIDER_ARN, ROLE_ARN, `${ROLE_ARN}/policy/${PERMISSION_POLICY_NAME}`]);
  });
});
