import { InvalidInputError } from '../../core/index.js';
import { parseArn } from '../arn.js';
import type { AuthorizationRequest, ContextValue } from '../authorization_request.js';
import { oidcProviderArn } from '../condition_key_prefix.js';
import type { PolicyDocument } from '../policy_document.js';
import { webIdentityRequest } from '../web_identity_request.js';

/** The account the simulator assumes when neither the policy nor the caller names one (AWS's example account). */
export const EXAMPLE_ACCOUNT_ID = '123456789012';

export interface SimulationInput {
  readonly policy: PolicyDocument;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Defaults to `arn:aws:iam::<account of the policy's principal, or 123456789012>:oidc-provider/<prefix of iss>`. */
  readonly providerArn?: string;
  /** Defaults to the `iss` claim. */
  readonly issuer?: string;
  readonly action?: string;
  readonly roleSessionName?: string;
  /** Extra or overriding context keys (for example `aws:CurrentTime`, `aws:SourceIp`). */
  readonly context?: Readonly<Record<string, ContextValue>>;
}

/** The request `policy simulate` (CLI and API) evaluates: the token's derived context plus the caller's keys. */
export function simulationRequest(input: SimulationInput): AuthorizationRequest {
  const issuer = input.issuer ?? (typeof input.claims.iss === 'string' ? input.claims.iss : undefined);
  if (issuer === undefined) throw new InvalidInputError('missing_issuer', 'The claims have no "iss"; give the issuer explicitly.');
  const providerArn = input.providerArn ?? oidcProviderArn(accountOf(input.policy) ?? EXAMPLE_ACCOUNT_ID, issuer);
  const request = webIdentityRequest({
    claims: input.claims,
    issuer,
    providerArn,
    ...(input.roleSessionName === undefined ? {} : { roleSessionName: input.roleSessionName }),
    ...(input.action === undefined ? {} : { action: input.action }),
  });
  return input.context === undefined ? request : { ...request, context: { ...request.context, ...input.context } };
}

/** The account of the first principal ARN the policy names (where the role, and its OIDC provider, live). */
function accountOf(policy: PolicyDocument): string | undefined {
  for (const statement of policy.statements) {
    const principal = statement.principal;
    if (principal === undefined || principal === '*') continue;
    for (const ids of Object.values(principal)) {
      for (const id of ids ?? []) {
        const account = parseArn(id)?.accountId;
        if (account && /^\d{12}$/.test(account)) return account;
      }
    }
  }
  return undefined;
}
