export type LintSeverity = 'error' | 'warning' | 'info';

/** One problem in a policy: a stable `code`, how bad it is, a sentence for a person, and where it is. */
export interface LintFinding {
  readonly code: string;
  readonly severity: LintSeverity;
  readonly message: string;
  readonly path: string;
}

export interface LintOptions {
  /** The issuer the policy is meant to trust (`https://…`); enables the prefix and provider checks. */
  readonly issuer?: string;
  /** The tokens carry AWS session tags (`https://aws.amazon.com/tags`), so sts:TagSession is required. */
  readonly sessionTags?: boolean;
}
