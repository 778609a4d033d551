import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';

/** IAM quota "Role trust policy length": 2,048 characters by default, raisable to 4,096; whitespace is not counted. */
export const TRUST_POLICY_DEFAULT_QUOTA = 2048;
export const TRUST_POLICY_MAX_QUOTA = 4096;

export const trustPolicySize: LintRule = (_document, _options, source) => {
  const length = countedLength(source);
  if (length <= TRUST_POLICY_DEFAULT_QUOTA) return [];
  const overMax = length > TRUST_POLICY_MAX_QUOTA;
  const finding: LintFinding = {
    code: 'trust_policy_too_large',
    severity: overMax ? 'error' : 'warning',
    message: overMax
      ? `The policy is ${length} characters; a role trust policy can never exceed ${TRUST_POLICY_MAX_QUOTA}. Merge statements or use StringLike patterns.`
      : `The policy is ${length} characters, over the default ${TRUST_POLICY_DEFAULT_QUOTA}-character trust-policy quota (IAM answers "LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048"). Shorten it or raise the quota (up to ${TRUST_POLICY_MAX_QUOTA}).`,
    path: '',
  };
  return [finding];
};

/** Characters excluding whitespace outside strings. */
function countedLength(source: string): number {
  let count = 0;
  let inString = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (inString) {
      count += 1;
      if (char === '\\') {
        count += 1;
        index += 1;
      } else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      count += 1;
    } else if (!/\s/.test(char)) count += 1;
  }
  return count;
}
