import { isLoopbackHttpIssuer } from '../condition_key_prefix.js';
import type { PolicyJson } from '../policy_document.js';

export const RENDER_FORMATS = ['json', 'terraform', 'cloudformation', 'cli'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

/** Everything needed to set up one role trusting one issuer: the provider, the role, its inline policies. */
export interface RoleSetup {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly roleName: string;
  /** A trust policy from `trustPolicyFor`; its Federated principal is replaced by a reference where the format has one. */
  readonly trustPolicy: PolicyJson;
  readonly permissionPolicies?: ReadonlyArray<{ readonly name: string; readonly policy: PolicyJson }>;
  /**
   * SHA-1 thumbprints of the issuer's TLS chain (40 hex characters), when the caller could read them. Unknown for an
   * https issuer: the CLI script reads it with openssl at run time; Terraform with the `tls_certificate` data source.
   */
  readonly thumbprints?: readonly string[];
  /**
   * Whether the account already has an OIDC provider for the issuer (a second role of the same tenant), when the
   * caller read the account; it sets the default of the IaC formats' create-or-reference switch.
   */
  readonly providerExists?: boolean;
}

/**
 * For an `http://` issuer (the local emulator only) there is no certificate: IAM's model accepts a provider without
 * thumbprints, but the AWS CLI 1.x and 2.x before thumbprints became optional insist on `--thumbprint-list`, so a
 * placeholder keeps the command runnable everywhere. The emulator does not check it.
 */
export const NO_TLS_THUMBPRINT = '0'.repeat(40);

/** The thumbprints to write when they are known without a network call: given ones, or the placeholder for http. */
export function knownThumbprints(setup: Pick<RoleSetup, 'issuer' | 'thumbprints'>): readonly string[] | undefined {
  if (setup.thumbprints !== undefined && setup.thumbprints.length > 0) return setup.thumbprints;
  if (isLoopbackHttpIssuer(setup.issuer) || /^http:/i.test(setup.issuer)) return [NO_TLS_THUMBPRINT];
  return undefined;
}

/** The issuer's host and port, as `openssl s_client -connect` and the TLS data sources want them. */
export function issuerHostPort(issuer: string): { host: string; port: string } {
  const match = /^https?:\/\/([^/?#:]+|\[[^\]]+\])(?::(\d+))?/i.exec(issuer);
  return { host: match?.[1] ?? issuer, port: match?.[2] ?? '443' };
}

/** The provider ARN the trust policy names (the first Federated principal). */
export function federatedArnOf(policy: PolicyJson): string | undefined {
  for (const statement of policy.Statement) {
    const principal = statement.Principal;
    if (principal === undefined || principal === '*') continue;
    const federated = principal.Federated;
    if (federated !== undefined) return typeof federated === 'string' ? federated : federated[0];
  }
  return undefined;
}
