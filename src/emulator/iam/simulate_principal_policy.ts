import type { ActionHandler } from '../emulator_service.js';
import type { AccountRecord } from '../emulator_state.js';
import { type Decision, decisionWithStatements } from '../policy_decisions.js';
import { accountOf } from './account_of.js';
import { iamErrors } from './iam_errors.js';
import { defaultDocument, findManagedPolicy } from './managed_policies.js';
import { paginate } from './pagination.js';
import { statementPositions } from './statement_positions.js';
import type { XmlValue } from '../xml_response.js';

/**
 * `iam:SimulatePrincipalPolicy` for the identity policies the emulator knows (a user's or a role's
 * inline and attached managed policies): how AWS tooling checks up front that a principal may make
 * changes. Decisions come from the same engine that enforces them on real calls. The answer has AWS's
 * recorded shape (LocalStack's test_iam, 2025-04): per action, `MatchedStatements` with the source
 * policy and the statement's position, `ResourceSpecificResults` per resource, empty
 * `MissingContextValues` and `EvalDecisionDetails`, and `OrganizationsDecisionDetail` allowed (no SCPs
 * here). Not modelled: permission boundaries in the simulation, resource policies, context entries.
 */
interface SourcePolicy {
  id: string;
  document: string;
}

const DECISION: Record<Decision, string> = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' };

const simulatePrincipalPolicy: ActionHandler = (context) => {
  const sourceArn = context.params.get('PolicySourceArn');
  if (sourceArn === undefined) throw iamErrors.invalidInput('PolicySourceArn is required.');
  const actions = context.params.list('ActionNames');
  if (actions.length === 0) throw iamErrors.invalidInput('ActionNames must contain at least one action.');
  context.authorize('iam:SimulatePrincipalPolicy', sourceArn);
  const account = accountOf(context);
  const policies = identityPoliciesOf(account, sourceArn);
  const resources = context.params.list('ResourceArns');
  const results = actions.map((action) => {
    const perResource = (resources.length > 0 ? resources : ['*']).map((resource) => {
      const { decision, matched } = evaluate(policies, {
        action,
        principal: { kind: 'AWS', id: sourceArn },
        resource,
        context: { 'aws:PrincipalArn': sourceArn, 'aws:PrincipalAccount': account.accountId },
      });
      return { resource, decision, matched };
    });
    // The action's decision: an explicit deny anywhere wins, then any implicit deny, else allowed.
    const decision: Decision = perResource.some((r) => r.decision === 'ExplicitlyDenied')
      ? 'ExplicitlyDenied'
      : perResource.some((r) => r.decision === 'ImplicitlyDenied')
        ? 'ImplicitlyDenied'
        : 'Allowed';
    return {
      EvalActionName: action,
      EvalResourceName: resources.length === 1 ? resources[0] : '*',
      EvalDecision: DECISION[decision],
      MatchedStatements: perResource.length === 1 ? perResource[0]!.matched : [],
      MissingContextValues: [],
      OrganizationsDecisionDetail: { AllowedByOrganizations: true },
      EvalDecisionDetails: {},
      ResourceSpecificResults: perResource.map((r) => ({
        EvalResourceName: r.resource,
        EvalResourceDecision: DECISION[r.decision],
        MatchedStatements: r.matched,
        MissingContextValues: [],
      })),
    };
  });
  const page = paginate(context, results);
  return { EvaluationResults: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

function evaluate(policies: readonly SourcePolicy[], request: Parameters<typeof decisionWithStatements>[1]): { decision: Decision; matched: XmlValue[] } {
  let allowed = false;
  let denied = false;
  const allows: XmlValue[] = [];
  const denies: XmlValue[] = [];
  for (const policy of policies) {
    const { decision, matched } = decisionWithStatements(policy.document, request);
    const positions = statementPositions(policy.document);
    const statements = matched.map((index) => ({
      SourcePolicyId: policy.id,
      SourcePolicyType: 'IAM Policy',
      StartPosition: positions[index]?.start ?? { Line: 1, Column: 1 },
      EndPosition: positions[index]?.end ?? { Line: 1, Column: 1 },
    }));
    if (decision === 'ExplicitlyDenied') {
      denied = true;
      denies.push(...statements);
    } else if (decision === 'Allowed') {
      allowed = true;
      allows.push(...statements);
    }
  }
  if (denied) return { decision: 'ExplicitlyDenied', matched: denies };
  return allowed ? { decision: 'Allowed', matched: allows } : { decision: 'ImplicitlyDenied', matched: [] };
}

function identityPoliciesOf(account: AccountRecord, sourceArn: string): SourcePolicy[] {
  const match = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(sourceArn);
  if (match === null || match[1] !== account.accountId) throw iamErrors.invalidInput(`Invalid ARN: ${sourceArn}`);
  const name = match[3]!.toLowerCase();
  const holder = match[2] === 'user' ? account.users[name] : account.roles[name];
  if (holder === undefined) throw match[2] === 'user' ? iamErrors.noSuchUser(match[3]!) : iamErrors.noSuchRole(match[3]!);
  const inline = Object.entries(holder.inlinePolicies).map(([id, document]) => ({ id, document }));
  const attached = (holder.attachedPolicyArns ?? []).flatMap((arn) => {
    const policy = findManagedPolicy(account, arn);
    return policy === undefined ? [] : [{ id: policy.name, document: defaultDocument(policy) }];
  });
  return [...inline, ...attached];
}

export const simulatePolicyActions: Record<string, ActionHandler> = { SimulatePrincipalPolicy: simulatePrincipalPolicy };
