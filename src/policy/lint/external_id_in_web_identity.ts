import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { isWebIdentityStatement } from './web_identity_statement.js';

/** AssumeRoleWithWebIdentity has no ExternalId parameter: a required sts:ExternalId can never be satisfied. */
export const externalIdInWebIdentity: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || !isWebIdentityStatement(statement)) continue;
    for (const condition of statement.conditions) {
      if (condition.key.toLowerCase() !== 'sts:externalid' || /IfExists$/i.test(condition.operator) || /Not/.test(condition.operator)) continue;
      findings.push({
        code: 'external_id_in_web_identity',
        severity: 'error',
        message: 'sts:ExternalId can never be satisfied in a web-identity statement: AssumeRoleWithWebIdentity has no ExternalId parameter. Remove it and pin the role with the sub claim; keep ExternalId for the AssumeRole hop of a role chain.',
        path: condition.path,
      });
    }
  }
  return findings;
};
