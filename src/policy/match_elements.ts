import type { AuthorizationRequest } from './authorization_request.js';
import { matchValueList } from './match_value_list.js';
import type { PreparedStatement } from './prepare_policy.js';

/** Principal, Action and Resource (and their Not… forms) of one prepared statement against a request. */

export function principalMatches(prepared: PreparedStatement, request: AuthorizationRequest): boolean {
  if (prepared.principalTest === undefined) return true;
  return prepared.principalTest(request.principal) !== prepared.principalNegated;
}

export function actionMatches(prepared: PreparedStatement, action: string): boolean {
  for (const test of prepared.actionTests) if (test(action)) return !prepared.actionNegated;
  return prepared.actionNegated;
}

export function resourceMatches(prepared: PreparedStatement, request: AuthorizationRequest): boolean {
  // Trust policies carry no Resource; a request without a resource skips the check.
  if (prepared.resourceTests === undefined || request.resource === undefined) return true;
  return matchValueList(prepared.resourceTests, request.resource, request.context, prepared.resourceNegated);
}
