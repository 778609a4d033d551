import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';

/** NotPrincipal with Allow trusts everyone except the listed principals — AWS advises never to combine them. */
export const notPrincipalWithAllow: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || statement.notPrincipal === undefined) continue;
    findings.push({
      code: 'not_principal_with_allow',
      severity: 'error',
      message: 'NotPrincipal with "Effect": "Allow" trusts every principal except the ones listed, including other accounts and federated users. Name the trusted principals in Principal instead.',
      path: `${statement.path}.NotPrincipal`,
    });
  }
  return findings;
};
