/**
 * The token claims AWS turns into condition keys (`<issuer host/path>:<claim>`) for a generic OIDC provider
 * (IAM User Guide, "Available keys for OIDC federation"): `aud`, `sub`, `amr`, `azp`, `email`, plus `oaud`
 * for Google. Custom claims never become keys, so a condition on one always fails. The one list the policy
 * engine, its linter, the doctor and the issuer's documentation read.
 */
export const CONDITION_KEY_CLAIMS: readonly string[] = ['aud', 'sub', 'amr', 'azp', 'email', 'oaud'];

/** Of those, the ones that always hold one value (`aud` and `amr` may hold several). */
export const SINGLE_VALUED_CONDITION_KEY_CLAIMS: readonly string[] = ['sub', 'azp', 'email', 'oaud'];

/** Keys of the built-in web identity providers (Facebook `graph.facebook.com:id`, Login with Amazon `www.amazon.com:app_id` / `:user_id`). */
export const BUILT_IN_PROVIDER_KEY_CLAIMS: readonly string[] = ['id', 'app_id', 'user_id'];

/** Whether AWS exposes `claim` (any case) as a condition key of an OIDC provider. */
export function isConditionKeyClaim(claim: string): boolean {
  return CONDITION_KEY_CLAIMS.includes(claim.toLowerCase());
}
