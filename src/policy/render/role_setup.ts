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
