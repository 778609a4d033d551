import { runSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assumeRoleRequest, evaluatePolicy } from '../../src/policy/index.js';

/**
 * Differential test of principal matching in role trust policies: random Principal / NotPrincipal elements and
 * callers (users, roles' sessions, other accounts), decided by our engine and by @cloud-copilot/iam-simulate with an
 * allow-everything identity policy (so that only the trust policy decides).
 */
const ROLE = 'arn:aws:iam::111122223333:role/target';

const principalIds = [
  '111122223333',
  'arn:aws:iam::111122223333:root',
  'arn:aws:iam::444455556666:root',
  'arn:aws:iam::111122223333:role/ci',
  'arn:aws:iam::111122223333:role/deploy/ci',
  'arn:aws:iam::444455556666:role/ci',
  'arn:aws:iam::111122223333:user/bob',
  'arn:aws:sts::111122223333:assumed-role/ci/session-1',
  '*',
];

const callers = [
  'arn:aws:iam::111122223333:user/bob',
  'arn:aws:iam::111122223333:user/alice',
  'arn:aws:sts::111122223333:assumed-role/ci/session-1',
  'arn:aws:sts::111122223333:assumed-role/ci/session-2',
  'arn:aws:sts::111122223333:assumed-role/other/session-1',
  'arn:aws:sts::444455556666:assumed-role/ci/session-1',
  'arn:aws:iam::444455556666:user/bob',
];

const principalArbitrary = fc.oneof(
  fc.constant<'*'>('*'),
  fc.uniqueArray(fc.constantFrom(...principalIds), { minLength: 1, maxLength: 3 }).map((ids) => ({ AWS: ids.length === 1 ? ids[0]! : ids })),
);

const statementArbitrary = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  negated: fc.boolean(),
  principal: principalArbitrary,
  Action: fc.constantFrom('sts:AssumeRole', 'sts:*', 'sts:AssumeRoleWithWebIdentity', ['sts:AssumeRole', 'sts:TagSession']),
});

async function simulate(caller: string, trustPolicy: object): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal: caller, action: 'sts:AssumeRole', resource: { resource: ROLE, accountId: '111122223333' }, contextVariables: {} },
      identityPolicies: [{ name: 'all', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trustPolicy,
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`unexpected result ${JSON.stringify(result).slice(0, 500)}`);
  return result.overallResult;
}

describe('trust-policy principal matching, differential against @cloud-copilot/iam-simulate', () => {
  it('decides AssumeRole from users, sessions and other accounts the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), fc.constantFrom(...callers), async (statements, caller) => {
        // NotPrincipal is only valid with Deny (IAM rejects Allow + NotPrincipal in trust policies).
        const policy = {
          Version: '2012-10-17',
          Statement: statements.map(({ Effect, negated, principal, Action }) => ({
            Effect,
            [negated && Effect === 'Deny' ? 'NotPrincipal' : 'Principal']: principal,
            Action,
          })),
        };
        const ours = evaluatePolicy(policy, assumeRoleRequest({ callerArn: caller, roleArn: ROLE })).decision;
        const theirs = await simulate(caller, policy);
        expect({ ours, caller, policy }).toEqual({ ours: theirs, caller, policy });
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
