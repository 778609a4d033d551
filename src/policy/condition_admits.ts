import { parseConditionOperator } from './conditions/condition_operator_name.js';

/**
 * Whether a condition written as `operator` with `policyValues` admits one single context value, with the
 * engine's own operators: wildcards only for `…Like`, case only for `…IgnoreCase`, and a negated operator
 * (`StringNotLike`, `StringNotEquals`) admits a value no policy value matches. Undefined for an unknown operator.
 */
export function conditionAdmits(operator: string, policyValues: readonly string[], value: string): boolean | undefined {
  const parsed = parseConditionOperator(operator);
  if (parsed === undefined || parsed.base.name === 'Null') return undefined;
  const matched = policyValues.some((policyValue) => parsed.base.compile(policyValue)(value));
  return parsed.base.negated ? !matched : matched;
}
