import type { AuthorizationRequest } from './authorization_request.js';
import { conditionMatches, contextValueOf } from './match_condition.js';
import { actionMatches, principalMatches, resourceMatches } from './match_elements.js';
import type { Decision } from './policy_evaluation.js';
import type { PreparedPolicy, PreparedStatement } from './prepare_policy.js';

function statementApplies(prepared: PreparedStatement, request: AuthorizationRequest, action: string): boolean {
  if (!actionMatches(prepared, action)) return false;
  if (!principalMatches(prepared, request)) return false;
  if (!resourceMatches(prepared, request)) return false;
  for (const condition of prepared.conditions) {
    if (!conditionMatches(condition, contextValueOf(condition, request), request.context)) return false;
  }
  return true;
}

/** The decision for one action, without an explanation: explicit Deny beats Allow, no Allow is an implicit deny. */
export function decideAction(policy: PreparedPolicy, request: AuthorizationRequest, action: string): Decision {
  let allowed = false;
  for (const statement of policy.statements) {
    if (statement.statement.effect === 'Allow' && allowed) continue;
    if (!statementApplies(statement, request, action)) continue;
    if (statement.statement.effect === 'Deny') return 'ExplicitlyDenied';
    allowed = true;
  }
  return allowed ? 'Allowed' : 'ImplicitlyDenied';
}

/** The fast path: the decision only. A request passing session tags also needs `sts:TagSession`. */
export function decidePolicy(policy: PreparedPolicy, request: AuthorizationRequest): Decision {
  const decision = decideAction(policy, request, request.action);
  if (decision !== 'Allowed' || !request.requiresTagSession) return decision;
  return decideAction(policy, request, 'sts:TagSession');
}
