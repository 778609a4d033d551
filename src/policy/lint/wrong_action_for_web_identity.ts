import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { allowsAction, federatedPrincipals, oidcProviderPrefix } from './web_identity_statement.js';

/** A statement trusting an OIDC provider must allow sts:AssumeRoleWithWebIdentity, not sts:AssumeRole. */
export const wrongActionForWebIdentity: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow') continue;
    const oidc = federatedPrincipals(statement).some((id) => oidcProviderPrefix(id) !== undefined || id === 'cognito-identity.amazonaws.com');
    if (!oidc || allowsAction(statement, 'sts:AssumeRoleWithWebIdentity')) continue;
    findings.push({
      code: 'wrong_action_for_web_identity',
      severity: 'error',
      message: `This statement trusts an OIDC provider but allows ${(statement.action ?? statement.notAction ?? []).join(', ')}; web-identity federation calls sts:AssumeRoleWithWebIdentity.`,
      path: `${statement.path}.${statement.action ? 'Action' : 'NotAction'}`,
    });
  }
  return findings;
};
