import type { PrincipalKind } from './policy_document.js';

/** Who is asking: a Federated provider ARN for web identity, an AWS ARN or account id for AssumeRole. */
export interface RequestPrincipal {
  readonly kind: PrincipalKind;
  readonly id: string;
}

/** A context value: one string for single-valued keys, an array for multivalued keys (`aws:TagKeys`, `…:amr`). */
export type ContextValue = string | readonly string[];

/** One request as IAM evaluates it against a policy. Context keys are matched without regard to case. */
export interface AuthorizationRequest {
  readonly action: string;
  readonly principal: RequestPrincipal;
  /** The resource ARN (the role for trust policies); statements' Resource is only checked when this is set. */
  readonly resource?: string;
  readonly context: Readonly<Record<string, ContextValue>>;
  /**
   * The request passes session tags, so AWS also requires `sts:TagSession` in the trust policy;
   * `evaluatePolicy` then evaluates both actions and attaches the second evaluation as `tagSession`.
   */
  readonly requiresTagSession?: boolean;
}
