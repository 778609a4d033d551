import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';

/** A trust policy names principals, never resources: IAM refuses it with "Has prohibited field Resource". */
export const resourceInTrustPolicy: LintRule = (document) => {
  const findings: LintFinding[] = [];
  for (const statement of document.statements) {
    const trustStatement = statement.principal !== undefined || statement.notPrincipal !== undefined;
    const element = statement.resource !== undefined ? 'Resource' : statement.notResource !== undefined ? 'NotResource' : undefined;
    if (!trustStatement || element === undefined) continue;
    findings.push({
      code: 'resource_in_trust_policy',
      severity: 'error',
      message: `A role trust policy has no ${element}; IAM refuses it ("MalformedPolicyDocument: Has prohibited field Resource"). Remove it — the role itself is the resource.`,
      path: `${statement.path}.${element}`,
    });
  }
  return findings;
};
