import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { allowsAction, isWebIdentityStatement } from './web_identity_statement.js';

/** Tokens that carry session tags need sts:TagSession too, or AWS refuses the whole AssumeRoleWithWebIdentity. */
export const sessionTagsWithoutTagSession: LintRule = (document, options) => {
  if (!options.sessionTags) return [];
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || !isWebIdentityStatement(statement) || allowsAction(statement, 'sts:TagSession')) continue;
    findings.push({
      code: 'session_tags_without_tag_session',
      severity: 'error',
      message: 'The tokens carry AWS session tags but this statement does not allow sts:TagSession; AWS then refuses AssumeRoleWithWebIdentity. Add "sts:TagSession" to Action.',
      path: `${statement.path}.${statement.action ? 'Action' : 'NotAction'}`,
    });
  }
  return findings;
};
