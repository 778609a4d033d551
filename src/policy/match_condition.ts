import type { AuthorizationRequest, ContextValue } from './authorization_request.js';
import { lookupContext } from './context_lookup.js';
import type { RequestContext } from './policy_variables.js';
import type { PreparedCondition } from './prepare_policy.js';
import { matchValueList } from './match_value_list.js';

/** Whether one context value satisfies the operator (negated operators: no policy value matches). */
export function valueSatisfies(prepared: PreparedCondition, value: string, context: RequestContext): boolean {
  return matchValueList(prepared.valueTests, value, context, prepared.operator.base.negated);
}

export function contextValueOf(prepared: PreparedCondition, request: AuthorizationRequest): ContextValue | undefined {
  return lookupContext(request.context, prepared.condition.key, prepared.lowerKey);
}

/** IAM's condition semantics for one key under one operator. */
export function conditionMatches(prepared: PreparedCondition, value: ContextValue | undefined, context: RequestContext): boolean {
  const { operator } = prepared;
  if (operator.base.name === 'Null') {
    const wanted = value === undefined ? 'true' : 'false';
    return prepared.condition.values.some((policyValue) => policyValue.toLowerCase() === wanted);
  }
  if (operator.setOperator === 'ForAllValues') {
    // The empty-set pitfall: ForAllValues is true when the key is missing or has no values.
    if (value === undefined) return true;
    if (typeof value === 'string') return valueSatisfies(prepared, value, context);
    for (const item of value) if (!valueSatisfies(prepared, item, context)) return false;
    return true;
  }
  if (operator.setOperator === 'ForAnyValue') {
    if (value === undefined) return operator.ifExists;
    if (typeof value === 'string') return valueSatisfies(prepared, value, context);
    for (const item of value) if (valueSatisfies(prepared, item, context)) return true;
    return false;
  }
  // Missing key: IfExists and negated operators match; everything else fails.
  if (value === undefined) return operator.ifExists || operator.base.negated;
  // A multivalued key needs a set operator; without one nothing matches (iam-simulate, confirmed with AWS).
  if (typeof value !== 'string') return false;
  return valueSatisfies(prepared, value, context);
}
