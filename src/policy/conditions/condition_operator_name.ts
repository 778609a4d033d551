import { arnOperators } from './arn_operators.js';
import { binaryOperator } from './binary_operator.js';
import { boolOperator } from './bool_operator.js';
import type { ConditionOperator } from './condition_operator.js';
import { dateOperators } from './date_operators.js';
import { ipAddressOperators } from './ip_address_operators.js';
import { nullOperator } from './null_operator.js';
import { numericOperators } from './numeric_operators.js';
import { stringOperators } from './string_operators.js';

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

/** A condition operator as written, taken apart: `ForAllValues:StringLikeIfExists`. */
export interface ParsedOperatorName {
  readonly setOperator: SetOperator | undefined;
  readonly base: ConditionOperator;
  readonly ifExists: boolean;
}

const OPERATORS = new Map<string, ConditionOperator>(
  [...stringOperators, ...numericOperators, ...dateOperators, boolOperator, binaryOperator, ...ipAddressOperators, ...arnOperators, nullOperator]
    .map((operator) => [operator.name.toLowerCase(), operator]),
);

/** Every base operator name, for documentation and tests. */
export const conditionOperatorNames: readonly string[] = [...OPERATORS.values()].map((operator) => operator.name);

/** Undefined for an unknown operator. Operator names are matched without regard to case. */
export function parseConditionOperator(written: string): ParsedOperatorName | undefined {
  let rest = written;
  let setOperator: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'foranyvalue') setOperator = 'ForAnyValue';
    else if (qualifier === 'forallvalues') setOperator = 'ForAllValues';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'ifexists'.length);
  }
  const base = OPERATORS.get(rest.toLowerCase());
  if (base === undefined) return undefined;
  // IAM has no NullIfExists, and Null takes no set qualifier.
  if (base.name === 'Null' && (ifExists || setOperator !== undefined)) return undefined;
  return { setOperator, base, ifExists };
}
