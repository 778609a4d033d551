/**
 * A parsed IAM policy: every element normalised to arrays, every element remembering its JSON path so that
 * explanations and lint findings can point at it. Produced by `parsePolicy`.
 */
export interface PolicyDocument {
  readonly version: string | undefined;
  readonly id: string | undefined;
  readonly statements: readonly PolicyStatement[];
  /** Length of the source text in characters (the trust-policy quota counts these). */
  readonly sourceLength: number;
}

export type PolicyEffect = 'Allow' | 'Deny';

/** The principal kinds a policy can name, as they are spelled in the `Principal` element. */
export type PrincipalKind = 'AWS' | 'Federated' | 'Service' | 'CanonicalUser';

/** `*` (everyone) or a map of principal kind to the identifiers it names. */
export type PrincipalSpec = '*' | Readonly<Partial<Record<PrincipalKind, readonly string[]>>>;

export interface PolicyStatement {
  /** Position in the Statement array (0 when Statement is a single object). */
  readonly index: number;
  /** `Statement[0]`, or `Statement` when the document has a single statement object. */
  readonly path: string;
  readonly sid: string | undefined;
  readonly effect: PolicyEffect;
  readonly principal: PrincipalSpec | undefined;
  readonly notPrincipal: PrincipalSpec | undefined;
  readonly action: readonly string[] | undefined;
  readonly notAction: readonly string[] | undefined;
  readonly resource: readonly string[] | undefined;
  readonly notResource: readonly string[] | undefined;
  readonly conditions: readonly PolicyCondition[];
}

/** One key under one operator: `"StringLike": {"h/p:sub": ["a:*", "b:*"]}` is one PolicyCondition. */
export interface PolicyCondition {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  readonly key: string;
  /** Values as strings (JSON numbers and booleans are stringified, as IAM does). */
  readonly values: readonly string[];
  /** `Statement[0].Condition.StringLike["h/p:sub"]`-style path of the key. */
  readonly path: string;
}

/** The plain JSON shape of a policy, as generators emit it. */
export interface PolicyJson {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: PolicyStatementJson[];
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: PolicyEffect;
  Principal?: '*' | Partial<Record<PrincipalKind, string | string[]>>;
  NotPrincipal?: '*' | Partial<Record<PrincipalKind, string | string[]>>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
