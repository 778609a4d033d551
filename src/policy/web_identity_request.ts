import type { AuthorizationRequest, ContextValue } from './authorization_request.js';
import { conditionKeyPrefix } from './condition_key_prefix.js';
import { sessionTagContext, sessionTagsFromClaims } from './session_tags.js';

export interface WebIdentityRequestInput {
  readonly claims: Readonly<Record<string, unknown>>;
  /** Defaults to the token's `iss` claim. */
  readonly issuer?: string;
  readonly providerArn: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** Defaults to `sts:AssumeRoleWithWebIdentity`. */
  readonly action?: string;
}

export const ASSUME_ROLE_WITH_WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/**
 * The request AWS evaluates against a role's trust policy for AssumeRoleWithWebIdentity with this token.
 * Only the claims AWS exposes for a generic OIDC provider become condition keys (IAM User Guide, "Available
 * keys for OIDC federation"): `aud`, `sub`, `amr`, `azp`, `email`, plus `oaud` for Google. Custom claims
 * never do — that is why a condition on them always fails.
 */
export function webIdentityRequest(input: WebIdentityRequestInput): AuthorizationRequest {
  const { claims } = input;
  const issuer = input.issuer ?? (typeof claims.iss === 'string' ? claims.iss : '');
  const prefix = conditionKeyPrefix(issuer);
  const context: Record<string, ContextValue> = {};
  const aud = stringOrList(claims.aud);
  const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
  if (prefix === 'accounts.google.com' && azp !== undefined) {
    // Google: when azp is set, the :aud key carries azp and :oaud the original audience.
    context[`${prefix}:aud`] = azp;
    if (aud !== undefined) context[`${prefix}:oaud`] = aud;
  } else if (aud !== undefined) {
    context[`${prefix}:aud`] = aud;
  }
  if (typeof claims.sub === 'string') context[`${prefix}:sub`] = claims.sub;
  const amr = stringOrList(claims.amr);
  if (amr !== undefined) context[`${prefix}:amr`] = typeof amr === 'string' ? [amr] : amr;
  if (azp !== undefined) context[`${prefix}:azp`] = azp;
  if (typeof claims.email === 'string') context[`${prefix}:email`] = claims.email;
  context['aws:FederatedProvider'] = input.providerArn;
  if (input.roleSessionName !== undefined) context['sts:RoleSessionName'] = input.roleSessionName;
  const sourceIdentity = claims['https://aws.amazon.com/source_identity'];
  if (typeof sourceIdentity === 'string') context['sts:SourceIdentity'] = sourceIdentity;
  const sessionTags = sessionTagsFromClaims(claims);
  if (sessionTags) Object.assign(context, sessionTagContext(sessionTags.tags, sessionTags.transitiveTagKeys));
  return {
    action: input.action ?? ASSUME_ROLE_WITH_WEB_IDENTITY,
    principal: { kind: 'Federated', id: input.providerArn },
    ...(input.roleArn === undefined ? {} : { resource: input.roleArn }),
    context,
    requiresTagSession: sessionTags !== undefined && Object.keys(sessionTags.tags).length > 0,
  };
}

/** A claim as a context value: arrays of one element collapse to a string (single-valued operators then apply). */
function stringOrList(value: unknown): ContextValue | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const strings = value.filter((item): item is string => typeof item === 'string');
    if (strings.length === 0) return undefined;
    return strings.length === 1 ? strings[0]! : strings;
  }
  return undefined;
}
