import { resourceMatcher } from './arn.js';
import type { AuthorizationRequest, ContextValue } from './authorization_request.js';
import { parseConditionOperator, type ParsedOperatorName } from './conditions/condition_operator_name.js';
import { lookupContext } from './context_lookup.js';
import { parsePolicy } from './parse_policy.js';
import type { PolicyCondition, PolicyDocument, PolicyStatement } from './policy_document.js';
import type { Decision } from './policy_evaluation.js';
import { PolicyParseError } from './policy_parse_error.js';
import { principalMatcher, type PrincipalTest } from './principal_matcher.js';
import { hasPolicyVariable, variableMatcher, type ContextualTest, type RequestContext, type VariableMode } from './policy_variables.js';
import { wildcardMatcher, type StringTest } from './wildcard_matcher.js';

/**
 * A policy compiled once for fast, allocation-free evaluation: wildcards become closures, condition keys are
 * lower-cased ahead of time. `decidePolicy` uses it directly; `evaluatePolicy` adds the explanation.
 */
export interface PreparedPolicy {
  readonly kind: 'PreparedPolicy';
  readonly document: PolicyDocument;
  readonly statements: readonly PreparedStatement[];
}

export interface PreparedStatement {
  readonly statement: PolicyStatement;
  readonly principalTest: PrincipalTest | undefined;
  /** True when the statement uses NotPrincipal (the test then must fail for the statement to apply). */
  readonly principalNegated: boolean;
  readonly actionTests: readonly StringTest[];
  readonly actionNegated: boolean;
  readonly resourceTests: readonly ContextualTest[] | undefined;
  readonly resourceNegated: boolean;
  readonly conditions: readonly PreparedCondition[];
}

export interface PreparedCondition {
  readonly condition: PolicyCondition;
  readonly operator: ParsedOperatorName;
  readonly lowerKey: string;
  readonly valueTests: readonly ContextualTest[];
}

export function preparePolicy(policy: PolicyDocument | PreparedPolicy | string | object): PreparedPolicy {
  if (isPrepared(policy)) return policy;
  const document = isDocument(policy) ? policy : parsePolicy(policy);
  // Policy variables exist only in the 2012-10-17 language; older documents read `${…}` literally.
  const variables = document.version === '2012-10-17';
  return { kind: 'PreparedPolicy', document, statements: document.statements.map((statement) => prepareStatement(statement, variables)) };
}

function isPrepared(policy: unknown): policy is PreparedPolicy {
  return typeof policy === 'object' && policy !== null && (policy as { kind?: unknown }).kind === 'PreparedPolicy';
}

function isDocument(policy: unknown): policy is PolicyDocument {
  return typeof policy === 'object' && policy !== null && Array.isArray((policy as { statements?: unknown }).statements);
}

function prepareStatement(statement: PolicyStatement, variables: boolean): PreparedStatement {
  const principal = statement.principal ?? statement.notPrincipal;
  const actions = statement.action ?? statement.notAction ?? [];
  const resources = statement.resource ?? statement.notResource;
  return {
    statement,
    principalTest: principal === undefined ? undefined : principalMatcher(principal),
    principalNegated: statement.notPrincipal !== undefined,
    actionTests: actions.map((action) => wildcardMatcher(action, true)),
    actionNegated: statement.notAction !== undefined,
    resourceTests: resources?.map((pattern) => (variables && hasPolicyVariable(pattern) ? variableMatcher(pattern, 'arn') : contextFree(resourceMatcher(pattern)))),
    resourceNegated: statement.notResource !== undefined,
    conditions: statement.conditions.map((condition) => prepareCondition(condition, variables)),
  };
}

function prepareCondition(condition: PolicyCondition, variables: boolean): PreparedCondition {
  const operator = parseConditionOperator(condition.operator);
  if (operator === undefined) {
    throw new PolicyParseError('unknown_condition_operator', `Unknown condition operator "${condition.operator}".`, condition.path);
  }
  return {
    condition,
    operator,
    lowerKey: condition.key.toLowerCase(),
    valueTests: condition.values.map((value) => {
      const mode = variables && hasPolicyVariable(value) ? variableModeOf(operator.base.name) : undefined;
      return mode === undefined ? contextFree(operator.base.compile(value)) : variableMatcher(value, mode);
    }),
  };
}

/** Policy variables work with the String and ARN operators only. */
function variableModeOf(operator: string): VariableMode | undefined {
  if (operator.startsWith('Arn')) return 'arn';
  if (operator === 'StringLike' || operator === 'StringNotLike') return 'like';
  if (operator === 'StringEqualsIgnoreCase' || operator === 'StringNotEqualsIgnoreCase') return 'equalsIgnoreCase';
  if (operator === 'StringEquals' || operator === 'StringNotEquals') return 'equals';
  return undefined;
}

/** A test that does not look at the request, in the shape of one that may. */
function contextFree(test: StringTest): ContextualTest {
  return (value) => test(value);
}

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
  return testList(prepared.resourceTests, request.resource, request.context, prepared.resourceNegated);
}

/** Whether one context value satisfies the operator (negated operators: no policy value matches). */
export function valueSatisfies(prepared: PreparedCondition, value: string, context: RequestContext): boolean {
  return testList(prepared.valueTests, value, context, prepared.operator.base.negated);
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

/**
 * Positive: some test matches. Negated: no test matches and every test could be evaluated (a value whose
 * policy variable is unresolved matches nothing, not even as "different").
 */
function testList(tests: readonly ContextualTest[], value: string, context: RequestContext, negated: boolean): boolean {
  let unresolved = false;
  for (const test of tests) {
    const result = test(value, context);
    if (result === true) return !negated;
    if (result === undefined) unresolved = true;
  }
  return negated && !unresolved;
}
