import { wildcardMatcher } from '../wildcard_matcher.js';
import type { ConditionOperator } from './condition_operator.js';

const equals = (ignoreCase: boolean) => (policyValue: string) => {
  if (!ignoreCase) return (value: string) => value === policyValue;
  const lower = policyValue.toLowerCase();
  return (value: string) => value.toLowerCase() === lower;
};
// StringLike: `*` and `?` are wildcards and `*` crosses `:` and `/` (a sub of `a:b:c` matches `a:*`).
const like = (policyValue: string) => wildcardMatcher(policyValue, false);

export const stringOperators: readonly ConditionOperator[] = [
  { name: 'StringEquals', family: 'String', negated: false, compile: equals(false) },
  { name: 'StringNotEquals', family: 'String', negated: true, compile: equals(false) },
  { name: 'StringEqualsIgnoreCase', family: 'String', negated: false, compile: equals(true) },
  { name: 'StringNotEqualsIgnoreCase', family: 'String', negated: true, compile: equals(true) },
  { name: 'StringLike', family: 'String', negated: false, compile: like },
  { name: 'StringNotLike', family: 'String', negated: true, compile: like },
];
