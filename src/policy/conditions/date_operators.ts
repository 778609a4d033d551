import type { ConditionOperator } from './condition_operator.js';

/**
 * IAM dates: ISO 8601 (`2026-01-01`, `2026-01-01T00:00:00Z`) or epoch seconds (`1767225600`).
 * Returns milliseconds since the epoch, or undefined. Pure: the "now" comes from the request context.
 */
export function parseIamDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const millis = Date.parse(trimmed);
  return Number.isNaN(millis) ? undefined : millis;
}

function date(compare: (context: number, policy: number) => boolean) {
  return (policyValue: string) => {
    const policy = parseIamDate(policyValue);
    if (policy === undefined) return () => false;
    return (value: string) => {
      const context = parseIamDate(value);
      return context !== undefined && compare(context, policy);
    };
  };
}

export const dateOperators: readonly ConditionOperator[] = [
  { name: 'DateEquals', family: 'Date', negated: false, compile: date((c, p) => c === p) },
  { name: 'DateNotEquals', family: 'Date', negated: true, compile: date((c, p) => c === p) },
  { name: 'DateLessThan', family: 'Date', negated: false, compile: date((c, p) => c < p) },
  { name: 'DateLessThanEquals', family: 'Date', negated: false, compile: date((c, p) => c <= p) },
  { name: 'DateGreaterThan', family: 'Date', negated: false, compile: date((c, p) => c > p) },
  { name: 'DateGreaterThanEquals', family: 'Date', negated: false, compile: date((c, p) => c >= p) },
];
