import type { StringTest } from '../wildcard_matcher.js';

/**
 * One base condition operator (`StringLike`, `NumericLessThan`, …). Negated operators (`StringNotLike`)
 * are described by their positive test plus `negated`: a context value satisfies a negated operator when no
 * policy value matches it positively.
 */
export interface ConditionOperator {
  readonly name: string;
  readonly family: 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';
  readonly negated: boolean;
  /** Compiles one policy value into a test of one context value (the positive sense). */
  compile(policyValue: string): StringTest;
}
