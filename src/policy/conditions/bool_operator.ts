import type { ConditionOperator } from './condition_operator.js';

/** `Bool`: `true`/`false`, compared without regard to case; other values never match. */
export const boolOperator: ConditionOperator = {
  name: 'Bool',
  family: 'Bool',
  negated: false,
  compile(policyValue) {
    const policy = policyValue.toLowerCase();
    if (policy !== 'true' && policy !== 'false') return () => false;
    return (value) => value.toLowerCase() === policy;
  },
};
