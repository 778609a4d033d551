import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';

/**
 * Without `"Version": "2012-10-17"` IAM reads the document in the 2008-10-17 language, where policy variables
 * such as `${aws:username}` are plain text — a condition written with them silently stops matching.
 */
export const policyVersion: LintRule = (document) => {
  if (document.version === '2012-10-17') return [];
  const finding: LintFinding = {
    code: 'old_policy_version',
    severity: 'warning',
    message:
      document.version === undefined
        ? 'The policy has no Version, so IAM reads it as 2008-10-17: policy variables (${…}) are not substituted. Add "Version": "2012-10-17".'
        : 'Version 2008-10-17 does not substitute policy variables (${…}). Use "Version": "2012-10-17".',
    path: document.version === undefined ? '' : 'Version',
  };
  return [finding];
};
