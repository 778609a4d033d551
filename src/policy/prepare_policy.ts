import { resourceMatcher } from './arn.js';
import { parseConditionOperator, type ParsedOperatorName } from './conditions/condition_operator_name.js';
import { parsePolicy } from './parse_policy.js';
import type { PolicyCondition, PolicyDocument, PolicyStatement } from './policy_document.js';
import { PolicyParseError } from './policy_parse_error.js';
import { principalMatcher, type PrincipalTest } from './principal_matcher.js';
import { hasPolicyVariable, variableMatcher, type ContextualTest, type VariableMode } from './policy_variables.js';
import { wildcardMatcher, type StringTest } from './wildcard_matcher.js';

/**
 * A policy compiled once for fast, allocation-free evaluation: wildcards become closures, condition keys are
 * lower-cased ahead of time. `decidePolicy` (decide_policy.ts) uses it directly; `evaluatePolicy` adds the
 * explanation. Element and condition semantics live in match_elements.ts and match_condition.ts.
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
