import { ConstraintChecker } from '../constraints.js';

/**
 * IAM's parameter checks. IAM's validation messages never repeat the value
 * (`Value at 'tags' failed to satisfy constraint: …`, every IAM capture in LocalStack's 2025–2026
 * suites); STS's do (`Value 'a:b' at 'roleSessionName' …`).
 */
export function iamChecker(): ConstraintChecker {
  return new ConstraintChecker({ echoValues: false });
}
