import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';

/** `"Principal": "*"` (or `{"AWS": "*"}`) in an Allow with no condition lets anyone assume the role. */
export const principalStarWithoutConditions: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    const principal = statement.principal;
    const everyone = principal === '*' || (principal !== undefined && Object.values(principal).some((ids) => ids?.includes('*')));
    if (statement.effect !== 'Allow' || !everyone || statement.conditions.length > 0) continue;
    findings.push({
      code: 'principal_star_without_conditions',
      severity: 'error',
      message: 'This statement allows every principal with no condition: anyone can assume the role. Name the principal or add conditions.',
      path: `${statement.path}.Principal`,
    });
  }
  return findings;
};
