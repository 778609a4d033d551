import { parseConditionOperator } from '../conditions/condition_operator_name.js';
import { hasWildcard } from '../wildcard_matcher.js';
import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';

/** `StringEquals` compares literally: a `*` in its value never matches a real subject. */
export const stringEqualsWildcard: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    for (const condition of statement.conditions) {
      const operator = parseConditionOperator(condition.operator);
      if (!operator || !/^String(Not)?Equals(IgnoreCase)?$/.test(operator.base.name)) continue;
      const literal = condition.values.find(hasWildcard);
      if (literal === undefined) continue;
      const like = operator.base.negated ? 'StringNotLike' : 'StringLike';
      findings.push({
        code: 'string_equals_wildcard',
        severity: operator.base.negated ? 'warning' : 'error',
        message: `${condition.operator} compares literally, so \`${literal}\` only matches a value containing those exact * or ? characters. Use ${like}.`,
        path: condition.path,
      });
    }
  }
  return findings;
};
