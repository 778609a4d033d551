import { conditionKeyPrefix } from '../condition_key_prefix.js';
import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { federatedPrincipals, isWebIdentityStatement, oidcProviderPrefix, providerClaim } from './web_identity_statement.js';

/**
 * Provider-prefixed condition keys must use the issuer without `https://`, path included, exactly as the
 * trusted provider: `https://h:sub` is rejected by IAM ("Condition can contain only one colon."), `h:sub` for
 * an issuer `https://h/p` and another provider's host never exist in the request, so the condition never matches.
 */
export const conditionKeyPrefixMismatch: LintRule = (document, options) => {
  const findings: LintFinding[] = [];
  const issuerPrefix = options.issuer === undefined ? undefined : safePrefix(options.issuer);
  for (const statement of document.statements) {
    if (!isWebIdentityStatement(statement)) continue;
    const providerPrefixes = federatedPrincipals(statement).map(oidcProviderPrefix).filter((prefix): prefix is string => prefix !== undefined);
    const expected = issuerPrefix !== undefined ? [issuerPrefix] : providerPrefixes;
    for (const condition of statement.conditions) {
      if (/^https?:\/\//i.test(condition.key)) {
        findings.push({
          code: 'condition_key_prefix_mismatch',
          severity: 'error',
          message: `The condition key \`${condition.key}\` keeps the URL scheme; IAM rejects it ("Condition can contain only one colon."). Write it as \`${condition.key.replace(/^https?:\/\//i, '')}\`.`,
          path: condition.path,
        });
        continue;
      }
      const parsed = providerClaim(condition.key);
      if (parsed === undefined || expected.length === 0 || expected.includes(parsed.prefix)) continue;
      const wanted = expected[0]!;
      const pathDropped = wanted.startsWith(`${parsed.prefix}/`);
      findings.push({
        code: 'condition_key_prefix_mismatch',
        severity: 'error',
        message: pathDropped
          ? `The condition key \`${condition.key}\` drops the issuer's path: the request carries \`${wanted}:${parsed.claim}\`, so this condition never matches.`
          : `The condition key \`${condition.key}\` belongs to another provider: the trusted provider's keys start with \`${wanted}:\`, so this condition never matches.`,
        path: condition.path,
      });
    }
  }
  return findings;
};

function safePrefix(issuer: string): string | undefined {
  try {
    return conditionKeyPrefix(issuer);
  } catch {
    return undefined;
  }
}
