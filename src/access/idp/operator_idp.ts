import type { OperatorAuthConfig } from '../../config/index.js';
import { InvalidInputError } from '../../core/index.js';
import { isOwnTenantIssuer } from './own_issuer.js';
import { IdpKeySet } from './idp_key_set.js';
import { IdpTokenVerifier } from './idp_token_verifier.js';

/** The external IdP as rolebridge uses it: its keys (with their health) and the token verifier. */
export interface OperatorIdp {
  config: OperatorAuthConfig;
  keys: IdpKeySet;
  verifier: IdpTokenVerifier;
  /** `/readyz` entry: degraded (not unready) when the IdP is unreachable, since keys held and API keys keep working. */
  readiness(): Promise<{ name: string; ok: boolean; degraded?: boolean; detail?: Record<string, unknown> }>;
}

export function createOperatorIdp(config: OperatorAuthConfig, issuerTemplate: () => string, fetchImpl?: typeof fetch): OperatorIdp {
  if (isOwnTenantIssuer(issuerTemplate(), config.issuer)) {
    throw new InvalidInputError('invalid_configuration', "ROLEBRIDGE_AUTH_JWT_ISSUER: is one of rolebridge's own tenant issuers; operators sign in with the platform's IdP, never with a workload issuer", {
      variable: 'ROLEBRIDGE_AUTH_JWT_ISSUER',
    });
  }
  const keys = new IdpKeySet({ issuer: config.issuer, jwksUrl: config.jwksUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const verifier = new IdpTokenVerifier(config, keys, issuerTemplate);
  return {
    config,
    keys,
    verifier,
    async readiness() {
      const status = await keys.status();
      return {
        name: 'operator_idp',
        ok: true,
        ...(status.reachable ? {} : { degraded: true }),
        detail: {
          issuer: config.issuer,
          ...status,
          ...(status.reachable
            ? {}
            : {
                message:
                  status.cachedKeys > 0
                    ? 'The identity provider is unreachable; tokens signed with the keys already held still verify.'
                    : 'The identity provider is unreachable and no keys are held: IdP sign-in fails until it answers (API keys still work).',
              }),
        },
      };
    },
  };
}
