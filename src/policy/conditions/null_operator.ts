import type { ConditionOperator } from './condition_operator.js';

/**
 * `Null`: `"true"` requires the key to be absent, `"false"` requires it present. It is evaluated on presence,
 * not on values (see evaluate_condition.ts); `compile` only exists to satisfy the operator shape.
 */
export const nullOperator: ConditionOperator = {
  name: 'Null',
  family: 'Null',
  negated: false,
  compile: () => () => false,
};
