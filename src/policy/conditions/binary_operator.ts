import type { ConditionOperator } from './condition_operator.js';

/** `BinaryEquals`: base64-encoded values, compared byte for byte (so the encoded text must be equal). */
export const binaryOperator: ConditionOperator = {
  name: 'BinaryEquals',
  family: 'Binary',
  negated: false,
  compile(policyValue) {
    const policy = policyValue.replace(/=+$/, '');
    return (value) => value.replace(/=+$/, '') === policy;
  },
};
