import { isConditionKeyClaim } from '../claims/index.js';
import type { AuthorizationRequest, ContextValue } from './authorization_request.js';
import { conditionMatches, valueSatisfies } from './match_condition.js';
import type { PreparedCondition } from './prepare_policy.js';
import type { ConditionEvaluation } from './policy_evaluation.js';
import { hasWildcard } from './wildcard_matcher.js';

/** The claims AWS turns into condition keys for a generic OIDC provider. */

/** Evaluates one condition and says, in one sentence, why it matched or not. */
export function explainCondition(prepared: PreparedCondition, request: AuthorizationRequest, value: ContextValue | undefined): ConditionEvaluation {
  const matched = conditionMatches(prepared, value, request.context);
  const { condition } = prepared;
  return {
    path: condition.path,
    operator: condition.operator,
    key: condition.key,
    matched,
    contextValue: value ?? null,
    requiredValues: condition.values,
    explanation: matched ? matchedSentence(prepared, value) : failedSentence(prepared, request, value),
  };
}

/** `token.actions.githubusercontent.com:sub` reads as `sub`; global keys keep their full name. */
export function displayKey(key: string): string {
  const colon = key.lastIndexOf(':');
  if (colon <= 0) return key;
  const prefix = key.slice(0, colon);
  return /[./]/.test(prefix) ? key.slice(colon + 1) : key;
}

const code = (text: string): string => `\`${text}\``;
const list = (values: readonly string[], joiner = 'or'): string =>
  values.length === 1 ? code(values[0]!) : `${values.slice(0, -1).map(code).join(', ')} ${joiner} ${code(values.at(-1)!)}`;

function matchedSentence(prepared: PreparedCondition, value: ContextValue | undefined): string {
  const { condition, operator } = prepared;
  const name = displayKey(condition.key);
  if (operator.base.name === 'Null') {
    return value === undefined ? `${name} is absent, as Null "true" requires.` : `${name} is present, as Null "false" requires.`;
  }
  if (value === undefined) {
    if (operator.setOperator === 'ForAllValues') {
      return `${name} is not in the request and ForAllValues is true for an empty set — this condition lets requests without ${name} through.`;
    }
    if (operator.ifExists) return `${name} is not in the request, so ${condition.operator} counts the condition as met.`;
    return `${name} is not in the request; a negated operator such as ${condition.operator} matches a missing key.`;
  }
  const shown = typeof value === 'string' ? code(value) : list(value, 'and');
  const verb = operator.base.negated ? 'is none of' : 'matches';
  return `${name} is ${shown}, which ${verb} ${list(condition.values)} (${condition.operator}).`;
}

function failedSentence(prepared: PreparedCondition, request: AuthorizationRequest, value: ContextValue | undefined): string {
  const { condition, operator } = prepared;
  const name = displayKey(condition.key);
  if (operator.base.name === 'Null') {
    return value === undefined
      ? `${name} is absent but Null "false" requires it to be present.`
      : `${name} is present but Null "true" requires it to be absent.`;
  }
  if (value === undefined) return missingKeySentence(prepared, request);
  if (typeof value !== 'string' && operator.setOperator === undefined) {
    return `${name} has several values (${list(value, 'and')}); ${condition.operator} without ForAnyValue: or ForAllValues: never matches a multivalued key.`;
  }
  if (typeof value !== 'string') {
    if (operator.setOperator === 'ForAllValues') {
      const rejected = value.filter((item) => !valueSatisfies(prepared, item, request.context));
      return `${name} has ${list(rejected, 'and')}, which ${condition.operator} does not allow (every value must match ${list(condition.values)}).`;
    }
    return `none of ${name}'s values (${list(value, 'and')}) satisfies ${condition.operator} ${list(condition.values)}.`;
  }
  const requirement = operator.base.negated ? `forbids ${list(condition.values)}` : `requires ${list(condition.values)}`;
  return `${name} is ${code(value)} but ${condition.operator} ${requirement}${hint(prepared, value)}.`;
}

function missingKeySentence(prepared: PreparedCondition, request: AuthorizationRequest): string {
  const { condition, operator } = prepared;
  const key = condition.key;
  const colon = key.lastIndexOf(':');
  const claim = key.slice(colon + 1);
  const prefix = key.slice(0, colon);
  const contextKeys = Object.keys(request.context);
  const sameClaim = contextKeys.find((candidate) => candidate.toLowerCase().endsWith(`:${claim.toLowerCase()}`) && candidate.toLowerCase() !== key.toLowerCase());
  const forAny = operator.setOperator === 'ForAnyValue' ? ' (ForAnyValue never matches a missing key)' : '';
  if (sameClaim !== undefined && /[./]/.test(prefix)) {
    const expectedPrefix = sameClaim.slice(0, sameClaim.lastIndexOf(':'));
    return `the request has no ${code(key)}${forAny}: the token's key is ${code(sameClaim)}; the condition key prefix must be the issuer without https:// (${code(expectedPrefix)}).`;
  }
  const providerPrefix = contextKeys.some((candidate) => candidate.startsWith(`${prefix}:`));
  if (providerPrefix && !isConditionKeyClaim(claim)) {
    return `the request has no ${code(key)}${forAny}: AWS exposes only aud, sub, amr, azp and email from an OIDC token to trust policies; custom claims such as ${code(claim)} are never available, so this condition can never match.`;
  }
  if (key.toLowerCase() === 'sts:externalid' && request.principal.kind === 'Federated') {
    return `the request has no sts:ExternalId: AssumeRoleWithWebIdentity has no ExternalId parameter, so this condition can never match; pin the role with the sub claim instead.`;
  }
  return `the request has no ${code(key)}, so ${condition.operator} cannot match${forAny}.`;
}

/** The advice after "X is a but Op requires b", for the mistakes people really make. */
function hint(prepared: PreparedCondition, value: string): string {
  const { condition, operator } = prepared;
  const family = operator.base.family;
  const name = operator.base.name;
  if (family === 'String' && !operator.base.negated) {
    if ((name === 'StringEquals' || name === 'StringEqualsIgnoreCase') && condition.values.some(hasWildcard)) {
      return `; ${name} compares literally, so * and ? are not wildcards here — use StringLike`;
    }
    const prefixOf = condition.values.find((policyValue) => !hasWildcard(policyValue) && value.startsWith(`${policyValue}:`));
    if (prefixOf !== undefined) {
      const nextSegment = value.slice(prefixOf.length + 1).split(':')[0] ?? '';
      const what = /^[a-z_]+$/i.test(nextSegment) && value.slice(prefixOf.length + 1).includes(':') ? `every ${nextSegment}` : 'everything under it';
      return `; use StringLike with ${code(`${prefixOf}:*`)} to allow ${what}`;
    }
    if (name !== 'StringEqualsIgnoreCase' && condition.values.some((policyValue) => policyValue.toLowerCase() === value.toLowerCase())) {
      return '; values are compared case-sensitively — fix the case or use StringEqualsIgnoreCase';
    }
  }
  if (family === 'Numeric' && !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) return `; ${code(value)} is not a number`;
  if (family === 'Date' && !/^(\d{4}-\d{2}-\d{2}|-?\d+$)/.test(value.trim())) return `; ${code(value)} is not a date`;
  return '';
}
