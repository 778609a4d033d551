import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { identityDecision } from '../policy_decisions.js';
import { accountOf } from './account_of.js';
import { iamErrors } from './iam_errors.js';

/**
 * `iam:SimulatePrincipalPolicy` for the identity policies the emulator knows (a user's or a role's
 * inline policies): how AWS tooling checks up front that a principal may make changes. Decisions
 * come from the same engine that enforces them on real calls. Not modelled: permission boundaries,
 * SCPs, resource policies, context entries, paging (AWS-REFERENCE has no capture of this API).
 */
const simulatePrincipalPolicy: ActionHandler = (context) => {
  const sourceArn = context.params.get('PolicySourceArn');
  if (sourceArn === undefined) throw iamErrors.invalidInput('PolicySourceArn is required.');
  const actions = context.params.list('ActionNames');
  if (actions.length === 0) throw iamErrors.invalidInput('ActionNames must contain at least one action.');
  context.authorize('iam:SimulatePrincipalPolicy', sourceArn);
  const policies = identityPoliciesOf(context, sourceArn);
  const resources = context.params.list('ResourceArns');
  const results = actions.flatMap((action) =>
    (resources.length > 0 ? resources : ['*']).map((resource) => {
      const decision = identityDecision(policies, {
        action,
        principal: { kind: 'AWS', id: sourceArn },
        resource,
        context: { 'aws:PrincipalArn': sourceArn, 'aws:PrincipalAccount': accountOf(context).accountId },
      });
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision === 'Allowed' ? 'allowed' : decision === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny',
      };
    }),
  );
  return { EvaluationResults: results, IsTruncated: false };
};

function identityPoliciesOf(context: ActionContext, sourceArn: string): string[] {
  const account = accountOf(context);
  const match = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(sourceArn);
  if (match === null || match[1] !== account.accountId) throw iamErrors.invalidInput(`Invalid ARN: ${sourceArn}`);
  const name = match[3]!.toLowerCase();
  if (match[2] === 'user') {
    const user = account.users[name];
    if (user === undefined) throw iamErrors.noSuchUser(match[3]!);
    return Object.values(user.inlinePolicies);
  }
  const role = account.roles[name];
  if (role === undefined) throw iamErrors.noSuchRole(match[3]!);
  return Object.values(role.inlinePolicies);
}

export const simulatePolicyActions: Record<string, ActionHandler> = { SimulatePrincipalPolicy: simulatePrincipalPolicy };
