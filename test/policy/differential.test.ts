import { runSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, type AuthorizationRequest } from '../../src/policy/index.js';

/**
 * Differential test: random identity policies and requests, decided by our engine and by
 * @cloud-copilot/iam-simulate (an independent implementation of IAM's rules). Every disagreement was chased
 * to AWS's documented rule; the ones where we deliberately differ are in KNOWN_DIFFERENCES, explained.
 */
const PRINCIPAL = 'arn:aws:iam::123456789012:role/x';
const RESOURCE = 'arn:aws:s3:::exports/report.csv';

interface KeyFamily {
  key: string;
  operators: string[];
  policyValues: string[];
  contextValues: Array<string | string[]>;
  setOperators: boolean;
}

const FAMILIES: KeyFamily[] = [
  {
    key: 'aws:PrincipalTag/team',
    operators: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
    policyValues: ['data', 'Data', 'd*', 'da?a', 'web', '*', '${aws:PrincipalTag/env}', "d${aws:PrincipalTag/env, 'ata'}", 'a${*}'],
    contextValues: ['data', 'DATA', 'web', 'dat', '', 'a*', 'exports'],
    setOperators: false,
  },
  {
    key: 'aws:PrincipalTag/env',
    operators: ['StringEquals', 'StringLike'],
    policyValues: ['data', 'exp*'],
    contextValues: ['data', 'exports', 'ata'],
    setOperators: false,
  },
  {
    key: 'aws:MultiFactorAuthAge',
    operators: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
    policyValues: ['0', '10', '3600', '10.0'],
    contextValues: ['0', '10', '3600', '7200'],
    setOperators: false,
  },
  {
    key: 'aws:CurrentTime',
    operators: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
    policyValues: ['2026-01-01T00:00:00Z', '2025-06-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    contextValues: ['2026-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2026-06-01T12:00:00Z'],
    setOperators: false,
  },
  { key: 'aws:SecureTransport', operators: ['Bool'], policyValues: ['true', 'false'], contextValues: ['true', 'false'], setOperators: false },
  {
    key: 'aws:PrincipalArn',
    operators: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
    policyValues: ['arn:aws:iam::123456789012:role/x', 'arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/y*'],
    contextValues: ['arn:aws:iam::123456789012:role/x', 'arn:aws:iam::123456789012:role/yz', 'arn:aws:iam::999999999999:role/q'],
    setOperators: false,
  },
  {
    key: 'aws:SourceIp',
    operators: ['IpAddress', 'NotIpAddress'],
    policyValues: ['10.0.0.0/8', '10.1.2.3', '192.168.0.0/16'],
    contextValues: ['10.1.2.3', '192.168.1.1', '172.16.0.1'],
    setOperators: false,
  },
  {
    key: 'aws:PrincipalServiceNamesList',
    operators: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'],
    policyValues: ['ec2.amazonaws.com', 'lambda.amazonaws.com', '*.amazonaws.com'],
    contextValues: [['ec2.amazonaws.com'], ['ec2.amazonaws.com', 'lambda.amazonaws.com'], ['s3.amazonaws.com'], []],
    setOperators: true,
  },
];

const conditionArbitrary = fc.integer({ min: 0, max: FAMILIES.length - 1 }).chain((familyIndex) => {
  const family = FAMILIES[familyIndex]!;
  return fc.record({
    key: fc.constant(family.key),
    operator: fc.constantFrom(...family.operators),
    setOperator: family.setOperators ? fc.constantFrom('ForAnyValue:', 'ForAllValues:') : fc.constant(''),
    ifExists: fc.boolean(),
    values: fc.uniqueArray(fc.constantFrom(...family.policyValues), { minLength: 1, maxLength: 2 }),
  });
});

const statementArbitrary = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  actions: fc.constantFrom(['s3:GetObject'], ['s3:Get*'], ['s3:*'], ['*'], ['s3:PutObject'], ['S3:getobject']),
  notAction: fc.boolean(),
  resource: fc.constantFrom('*', 'arn:aws:s3:::exports/*', 'arn:aws:s3:::other/*', RESOURCE, 'arn:aws:s3:::${aws:PrincipalTag/env}/*'),
  conditions: fc.array(conditionArbitrary, { maxLength: 3 }),
});

const contextArbitrary = fc.record(
  Object.fromEntries(FAMILIES.map((family) => [family.key, fc.option(fc.constantFrom(...family.contextValues), { nil: undefined })])),
);

type StatementSpec = typeof statementArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toPolicy(statements: StatementSpec[]) {
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const item of statement.conditions) {
        const operator = `${item.setOperator}${item.operator}${item.ifExists ? 'IfExists' : ''}`;
        condition[operator] = { ...condition[operator], [item.key]: item.values };
      }
      return {
        Effect: statement.Effect,
        [statement.notAction ? 'NotAction' : 'Action']: statement.actions,
        Resource: statement.resource,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      };
    }),
  };
}

/**
 * Cases where we knowingly differ from iam-simulate, each with the reason. The predicate sees the policy
 * and the context.
 */
const KNOWN_DIFFERENCES: Array<{ reason: string; applies: (policy: ReturnType<typeof toPolicy>, context: Record<string, string | string[]>) => boolean }> = [
  {
    reason:
      'ForAnyValue:…IfExists on a missing key. IAM User Guide: "If the key is not present [in the request], evaluate ' +
      'the condition element as true" — a rule stated for every …IfExists operator; iam-simulate lets ' +
      "ForAnyValue's missing-key false win. We follow the documented IfExists rule.",
    applies: (policy, context) =>
      policy.Statement.some((statement) =>
        Object.entries(statement.Condition ?? {}).some(
          ([operator, keys]) => /^ForAnyValue:.*IfExists$/i.test(operator) && Object.keys(keys).some((key) => context[key] === undefined),
        ),
      ),
  },
  {
    reason:
      '${*}, ${?} and ${$} under a non-wildcard operator (StringEquals…). IAM User Guide, "Special characters": they are ' +
      'predefined policy variables with fixed values (*, ?, $), usable wherever policy variables are; we resolve them ' +
      'in StringEquals too, iam-simulate leaves them as literal text there.',
    applies: (policy) =>
      policy.Statement.some((statement) =>
        Object.entries(statement.Condition ?? {}).some(
          ([operator, keys]) => !/Like/.test(operator) && Object.values(keys).some((values) => values.some((value) => /\$\{[*?$]\}/.test(value))),
        ),
      ),
  },
];

async function simulate(policy: object, context: Record<string, string | string[]>): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal: PRINCIPAL, action: 's3:GetObject', resource: { resource: RESOURCE, accountId: '123456789012' }, contextVariables: context },
      identityPolicies: [{ name: 'p', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`unexpected result ${JSON.stringify(result).slice(0, 500)}`);
  return result.overallResult;
}

describe('differential against @cloud-copilot/iam-simulate', () => {
  it('decides random identity policies the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), contextArbitrary, async (statements, rawContext) => {
        const context = Object.fromEntries(Object.entries(rawContext).filter(([, value]) => value !== undefined)) as Record<string, string | string[]>;
        const policy = toPolicy(statements);
        const request: AuthorizationRequest = { action: 's3:GetObject', principal: { kind: 'AWS', id: PRINCIPAL }, resource: RESOURCE, context };
        const ours = evaluatePolicy(policy, request).decision;
        const theirs = await simulate(policy, context);
        if (ours !== theirs && KNOWN_DIFFERENCES.some((difference) => difference.applies(policy, context))) return;
        expect({ ours, policy, context }).toEqual({ ours: theirs, policy, context });
      }),
      { numRuns: 400, seed: 20261124 },
    );
  });
});
