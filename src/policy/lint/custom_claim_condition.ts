import { BUILT_IN_PROVIDER_KEY_CLAIMS, CONDITION_KEY_CLAIMS } from '../../claims/index.js';
import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { isWebIdentityStatement, providerClaim } from './web_identity_statement.js';

/** Claims AWS turns into condition keys for a generic OIDC provider. */
const AVAILABLE_CLAIMS = new Set([...CONDITION_KEY_CLAIMS, ...BUILT_IN_PROVIDER_KEY_CLAIMS]);

/** Custom claims never reach a trust policy: a condition on one never matches (for Allow) or never fires (for Deny). */
export const customClaimCondition: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    if (!isWebIdentityStatement(statement)) continue;
    for (const condition of statement.conditions) {
      const parsed = providerClaim(condition.key);
      if (parsed === undefined || AVAILABLE_CLAIMS.has(parsed.claim) || /^https?:/i.test(condition.key)) continue;
      findings.push({
        code: 'custom_claim_condition',
        severity: 'error',
        message: `AWS does not expose the claim \`${parsed.claim}\` to trust policies (only aud, sub, amr, azp and email for a generic OIDC provider), so this condition ${statement.effect === 'Allow' ? 'never matches' : 'never fires'}. Encode what you need in sub.`,
        path: condition.path,
      });
    }
  }
  return findings;
};
