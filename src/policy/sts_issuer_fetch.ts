/**
 * How STS fetches an issuer's discovery document and its `jwks_uri` for AssumeRoleWithWebIdentity
 * (AWS-REFERENCE §2.8), written once for the two sides that must agree: the emulator, which plays STS, and the
 * doctor, which checks a publication the way STS will read it.
 *
 * Redirects are not followed. AWS's troubleshooting asks for a 200 at `<iss>/.well-known/openid-configuration`
 * and at the jwks_uri themselves (re:Post knowledge-center `iam-sts-invalididentitytoken`) and documents no
 * redirect handling, so a moved document is treated as STS's "Couldn't retrieve verification key": a doctor
 * that followed the redirect would pass an issuer STS may refuse. Fetch with `redirect: 'manual'` and accept
 * only `status` (the 3xx then stays visible, for the doctor to name).
 */
export const STS_ISSUER_FETCH = {
  /** STS gives up on an identity provider that takes longer than 5 seconds. */
  timeoutMs: 5_000,
  redirect: 'manual',
  /** The one answer accepted; a 3xx (not followed) or any other status is a retrieval failure. */
  status: 200,
  /** Largest discovery or JWKS document read (a JWKS of a few dozen keys is a few KiB); larger is a failure. */
  maxDocumentBytes: 256 * 1024,
} as const;
