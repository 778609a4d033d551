import { describe, expect, it } from 'vitest';
import {
  assumeRoleRequest,
  evaluatePolicy,
  webIdentityRequest,
  type AssumeRoleRequestInput,
  type AuthorizationRequest,
  type Decision,
  type PolicyEvaluation,
  type WebIdentityRequestInput,
} from '../../src/policy/index.js';
import { loadFixtureSuites } from './fixture_suite.js';

/** The provider every `condition`-only case trusts. */
const DEFAULT_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/issuer.example.com/t/acme';

interface EvaluationCase {
  name: string;
  policy?: object;
  policies?: object[];
  /** Shorthand: an Allow statement for the default provider with this Condition. */
  condition?: object;
  /** Context for `condition` cases (the request is AssumeRoleWithWebIdentity from the default provider). */
  context?: Record<string, string | string[]>;
  request?: AuthorizationRequest | { webIdentity: WebIdentityRequestInput } | { assumeRole: AssumeRoleRequestInput };
  expected: { decision: Decision; explanationIncludes?: string };
}

function policiesOf(testCase: EvaluationCase): object[] {
  if (testCase.policies) return testCase.policies;
  if (testCase.policy) return [testCase.policy];
  return [{
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: DEFAULT_PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: testCase.condition }],
  }];
}

function requestOf(testCase: EvaluationCase): AuthorizationRequest {
  const request = testCase.request;
  if (request === undefined) {
    return { action: 'sts:AssumeRoleWithWebIdentity', principal: { kind: 'Federated', id: DEFAULT_PROVIDER }, context: testCase.context ?? {} };
  }
  if ('webIdentity' in request) return webIdentityRequest(request.webIdentity);
  if ('assumeRole' in request) return assumeRoleRequest(request.assumeRole);
  return request;
}

/** Several policies: an explicit Deny anywhere wins, then any Allow (IAM's rule within one account). */
function combine(evaluations: PolicyEvaluation[]): Decision {
  if (evaluations.some((evaluation) => evaluation.decision === 'ExplicitlyDenied')) return 'ExplicitlyDenied';
  return evaluations.some((evaluation) => evaluation.decision === 'Allowed') ? 'Allowed' : 'ImplicitlyDenied';
}

const suites = loadFixtureSuites<EvaluationCase>('evaluate_');

describe('policy evaluation fixtures', () => {
  it('has at least 150 evaluation cases', () => {
    expect(suites.reduce((total, suite) => total + suite.cases.length, 0)).toBeGreaterThanOrEqual(150);
  });

  for (const suite of suites) {
    describe(suite.file, () => {
      for (const testCase of suite.cases) {
        it(testCase.name, () => {
          const request = requestOf(testCase);
          const evaluations = policiesOf(testCase).map((policy) => evaluatePolicy(policy, request));
          expect(combine(evaluations), evaluations.map((evaluation) => evaluation.summary).join('\n')).toBe(testCase.expected.decision);
          if (testCase.expected.explanationIncludes !== undefined) {
            expect(JSON.stringify(evaluations)).toContain(JSON.stringify(testCase.expected.explanationIncludes).slice(1, -1));
          }
        });
      }
    });
  }
});
