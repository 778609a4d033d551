import { parsePolicy } from '../parse_policy.js';
import { PolicyParseError } from '../policy_parse_error.js';
import { broadSubjectPattern } from './broad_subject_pattern.js';
import { conditionKeyPrefixMismatch } from './condition_key_prefix_mismatch.js';
import { customClaimCondition } from './custom_claim_condition.js';
import { externalIdInWebIdentity } from './external_id_in_web_identity.js';
import { federatedPrincipal } from './federated_principal.js';
import { forAllValuesSingleValued } from './for_all_values_single_valued.js';
import type { LintFinding, LintOptions } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { missingClaimConditions } from './missing_claim_conditions.js';
import { notPrincipalWithAllow } from './not_principal_with_allow.js';
import { policyVersion } from './policy_version.js';
import { principalStarWithoutConditions } from './principal_star_without_conditions.js';
import { resourceInTrustPolicy } from './resource_in_trust_policy.js';
import { sessionTagsWithoutTagSession } from './session_tags_without_tag_session.js';
import { stringEqualsWildcard } from './string_equals_wildcard.js';
import { trustPolicySize } from './trust_policy_size.js';
import { wrongActionForWebIdentity } from './wrong_action_for_web_identity.js';

const RULES: readonly LintRule[] = [
  federatedPrincipal,
  wrongActionForWebIdentity,
  principalStarWithoutConditions,
  notPrincipalWithAllow,
  policyVersion,
  resourceInTrustPolicy,
  missingClaimConditions,
  broadSubjectPattern,
  stringEqualsWildcard,
  externalIdInWebIdentity,
  conditionKeyPrefixMismatch,
  customClaimCondition,
  forAllValuesSingleValued,
  sessionTagsWithoutTagSession,
  trustPolicySize,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Lints a trust policy for the mistakes people really make. A document that does not parse yields one
 * error finding with the parser's code and path instead of throwing.
 */
export function lintPolicy(source: string | object, options: LintOptions = {}): LintFinding[] {
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  let document;
  try {
    document = parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicyParseError) return [{ code: error.code, severity: 'error', message: error.message, path: error.path }];
    throw error;
  }
  const findings = RULES.flatMap((rule) => rule(document, options, text));
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path));
}

/** Whether any finding is an error (the CLI then exits 1). */
export function hasLintErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
