import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, PERMISSION_TEMPLATES, permissionPolicyFor } from '../../src/policy/index.js';

/**
 * Every action of every permission template is a real IAM action with a resource type its statement names:
 * @cloud-copilot/iam-simulate (which validates actions and resource ARNs against AWS's service reference) allows
 * it for at least one of the statement's resources, and so does our engine.
 */
const PARAMETERS = {
  region: 'us-east-1',
  accountId: '123456789012',
  resultsBucket: 'athena-results',
  bucket: 'exports',
  prefix: 'acme/',
  dbResourceId: 'cluster-ABCDEFGHIJKL',
  dbUser: 'rolebridge',
  clusterIdentifier: 'analytics',
  dbName: 'dev',
  modelIds: ['anthropic.claude-3-haiku-20240307-v1:0'],
  workgroupId: '11111111-2222-3333-4444-555555555555',
};
const PRINCIPAL = 'arn:aws:iam::123456789012:role/rolebridge';

describe('permission templates against AWS service data', () => {
  for (const template of PERMISSION_TEMPLATES) {
    it(`${template}: every action is allowed on a resource of the right type`, async () => {
      const policy = permissionPolicyFor(template, PARAMETERS);
      for (const statement of policy.Statement) {
        for (const action of ([] as string[]).concat(statement.Action ?? [])) {
          const allowedOn: string[] = [];
          for (const pattern of ([] as string[]).concat(statement.Resource ?? [])) {
            const resource = pattern.replace(/\*/g, 'x');
            const result = await runSimulation(
              {
                request: { principal: PRINCIPAL, action, resource: { resource, accountId: '123456789012' }, contextVariables: {} },
                identityPolicies: [{ name: template, policy }],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
              },
              {},
            );
            if (result.resultType === 'single' && result.overallResult === 'Allowed') {
              allowedOn.push(resource);
              const ours = evaluatePolicy(policy, { action, principal: { kind: 'AWS', id: PRINCIPAL }, resource, context: {} }).decision;
              expect(ours, `${action} on ${resource}`).toBe('Allowed');
            }
          }
          expect(allowedOn, `${template}: ${action}`).not.toEqual([]);
        }
      }
    });
  }
});
