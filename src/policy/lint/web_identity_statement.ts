import { parseArn } from '../arn.js';
import type { PolicyCondition, PolicyStatement } from '../policy_document.js';
import { wildcardMatcher } from '../wildcard_matcher.js';

/** Identity providers AWS knows by name (no IAM OIDC provider ARN). */
export const WELL_KNOWN_FEDERATED = ['cognito-identity.amazonaws.com', 'accounts.google.com', 'graph.facebook.com', 'www.amazon.com'];

/** The `oidc-provider/<prefix>` part of an IAM OIDC provider ARN, or undefined. */
export function oidcProviderPrefix(federated: string): string | undefined {
  const arn = parseArn(federated);
  if (arn?.service !== 'iam' || !arn.resource.startsWith('oidc-provider/')) return undefined;
  return arn.resource.slice('oidc-provider/'.length);
}

export function federatedPrincipals(statement: PolicyStatement): readonly string[] {
  const principal = statement.principal;
  if (principal === undefined || principal === '*') return [];
  return principal.Federated ?? [];
}

export function allowsAction(statement: PolicyStatement, action: string): boolean {
  if (statement.notAction) return !statement.notAction.some((pattern) => wildcardMatcher(pattern, true)(action));
  return (statement.action ?? []).some((pattern) => wildcardMatcher(pattern, true)(action));
}

/**
 * A statement that trusts web identities: it names a non-SAML Federated principal, or allows
 * sts:AssumeRoleWithWebIdentity.
 */
export function isWebIdentityStatement(statement: PolicyStatement): boolean {
  const federated = federatedPrincipals(statement).some((id) => !id.includes(':saml-provider/'));
  const listsWebIdentity = (statement.action ?? []).some((action) => /assumerolewithwebidentity/i.test(action));
  return federated || listsWebIdentity;
}

/** `h/p:sub` → `sub`; keys that are not provider-prefixed (aws:…, sts:…) give undefined. */
export function providerClaim(key: string): { prefix: string; claim: string } | undefined {
  const colon = key.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const prefix = key.slice(0, colon);
  if (!/[./]/.test(prefix)) return undefined;
  return { prefix, claim: key.slice(colon + 1).toLowerCase() };
}

const PINNING_OPERATORS = /^(ForAnyValue:)?(StringEquals|StringLike|StringEqualsIgnoreCase)(IfExists)?$/i;

/** Conditions that pin a claim to values (positive string operators) — the ones that restrict who gets in. */
export function pinningConditions(statement: PolicyStatement, claim: string): PolicyCondition[] {
  return statement.conditions.filter((condition) => providerClaim(condition.key)?.claim === claim && PINNING_OPERATORS.test(condition.operator));
}
