import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { isWebIdentityStatement, pinningConditions } from './web_identity_statement.js';

/**
 * A web-identity Allow must pin `sub` (otherwise anyone holding a token from the issuer gets in) and should pin
 * `aud` (otherwise any audience registered on the provider is enough).
 */
export const missingClaimConditions: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || !isWebIdentityStatement(statement)) continue;
    if (pinningConditions(statement, 'sub').length === 0) {
      findings.push({
        code: 'missing_sub_condition',
        severity: 'error',
        message: 'This statement trusts web identities without a condition on `sub`: anyone holding a token from the issuer can assume the role. Pin `<issuer>:sub` with StringEquals or StringLike.',
        path: statement.path,
      });
    }
    if (pinningConditions(statement, 'aud').length === 0) {
      findings.push({
        code: 'missing_aud_condition',
        severity: 'warning',
        message: 'This statement trusts web identities without a condition on `aud`: a token minted for any audience registered on the provider is accepted. Pin `<issuer>:aud` (usually `sts.amazonaws.com`) with StringEquals.',
        path: statement.path,
      });
    }
  }
  return findings;
};
