import { SINGLE_VALUED_CONDITION_KEY_CLAIMS } from '../../claims/index.js';
import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { providerClaim } from './web_identity_statement.js';

const SINGLE_VALUED_GLOBAL = /^(aws:(FederatedProvider|PrincipalArn|PrincipalAccount|PrincipalType|SourceIp|SourceArn|SourceAccount|SecureTransport|CurrentTime|EpochTime|MultiFactorAuthPresent|userid|username|RequestTag\/.+|PrincipalTag\/.+|ResourceTag\/.+)|sts:(RoleSessionName|ExternalId|SourceIdentity))$/i;
const SINGLE_VALUED_CLAIMS = new Set(SINGLE_VALUED_CONDITION_KEY_CLAIMS);

/**
 * ForAllValues on a key that carries one value reads as "every value matches" but is also true when the key is
 * absent (an empty set), so it quietly admits requests without the key. Use the plain operator.
 */
export const forAllValuesSingleValued: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    for (const condition of statement.conditions) {
      if (!/^ForAllValues:/i.test(condition.operator)) continue;
      const claim = providerClaim(condition.key)?.claim;
      const single = SINGLE_VALUED_GLOBAL.test(condition.key) || (claim !== undefined && SINGLE_VALUED_CLAIMS.has(claim));
      if (!single) continue;
      findings.push({
        code: 'for_all_values_single_valued',
        severity: statement.effect === 'Allow' ? 'error' : 'warning',
        message: `${condition.key} is single-valued: ${condition.operator} is also true when the key is missing, so it admits requests without it. Use ${condition.operator.slice('ForAllValues:'.length)}.`,
        path: condition.path,
      });
    }
  }
  return findings;
};
