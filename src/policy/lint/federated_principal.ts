import { conditionKeyPrefix } from '../condition_key_prefix.js';
import type { LintFinding } from './lint_finding.js';
import type { LintRule } from './lint_rules.js';
import { oidcProviderPrefix, WELL_KNOWN_FEDERATED } from './web_identity_statement.js';

/**
 * A Federated principal must be an IAM `oidc-provider` ARN (or a SAML provider, or one of the providers AWS
 * knows by name), and for our issuer it must carry the issuer's path: `oidc-provider/h` is not `oidc-provider/h/t/acme`.
 */
export const federatedPrincipal: LintRule = (document, options) => {
  const findings: LintFinding[] = [];
  let issuerPrefix: string | undefined;
  try {
    issuerPrefix = options.issuer === undefined ? undefined : conditionKeyPrefix(options.issuer);
  } catch {
    issuerPrefix = undefined;
  }
  for (const statement of document.statements) {
    const principal = statement.principal;
    if (principal === undefined || principal === '*') continue;
    (principal.Federated ?? []).forEach((federated, index) => {
      const path = `${statement.path}.Principal.Federated${(principal.Federated ?? []).length > 1 ? `[${index}]` : ''}`;
      if (WELL_KNOWN_FEDERATED.includes(federated) || /^arn:aws[\w-]*:iam::\d{12}:saml-provider\/.+/.test(federated)) return;
      const prefix = oidcProviderPrefix(federated);
      if (prefix === undefined || !/^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/[^/]/.test(federated)) {
        findings.push({
          code: 'federated_not_oidc_provider',
          severity: 'error',
          message: `The Federated principal \`${federated}\` is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer without https://>).`,
          path,
        });
        return;
      }
      if (issuerPrefix === undefined || prefix === issuerPrefix) return;
      const pathMissing = issuerPrefix.startsWith(`${prefix}/`);
      findings.push({
        code: pathMissing ? 'federated_missing_issuer_path' : 'federated_other_issuer',
        severity: 'error',
        message: pathMissing
          ? `The Federated principal names \`oidc-provider/${prefix}\` but the issuer is \`${issuerPrefix}\`: the provider ARN keeps the issuer's path, so tokens from this issuer never match.`
          : `The Federated principal names the provider \`${prefix}\`, not this issuer (\`${issuerPrefix}\`).`,
        path,
      });
    });
  }
  return findings;
};
