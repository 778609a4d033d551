import type { ConditionOperator } from './condition_operator.js';

/** IAM numeric values: integers or decimals; anything else never matches. */
export function parseNumeric(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) return undefined;
  return Number(text);
}

function numeric(compare: (context: number, policy: number) => boolean) {
  return (policyValue: string) => {
    const policy = parseNumeric(policyValue);
    if (policy === undefined) return () => false;
    return (value: string) => {
      const context = parseNumeric(value);
      return context !== undefined && compare(context, policy);
    };
  };
}

export const numericOperators: readonly ConditionOperator[] = [
  { name: 'NumericEquals', family: 'Numeric', negated: false, compile: numeric((c, p) => c === p) },
  { name: 'NumericNotEquals', family: 'Numeric', negated: true, compile: numeric((c, p) => c === p) },
  { name: 'NumericLessThan', family: 'Numeric', negated: false, compile: numeric((c, p) => c < p) },
  { name: 'NumericLessThanEquals', family: 'Numeric', negated: false, compile: numeric((c, p) => c <= p) },
  { name: 'NumericGreaterThan', family: 'Numeric', negated: false, compile: numeric((c, p) => c > p) },
  { name: 'NumericGreaterThanEquals', family: 'Numeric', negated: false, compile: numeric((c, p) => c >= p) },
];
