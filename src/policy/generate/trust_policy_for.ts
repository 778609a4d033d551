import { InvalidInputError } from '../../core/index.js';
import { conditionKeyPrefix, oidcProviderArn } from '../condition_key_prefix.js';
import type { PolicyJson } from '../policy_document.js';
import { hasWildcard } from '../wildcard_matcher.js';

export interface TrustPolicyInput {
  readonly issuer: string;
  /** The token audience (usually `sts.amazonaws.com`); several pin several. */
  readonly audience: string | readonly string[];
  /** One or more `sub` values or patterns (see `subjectPattern`). */
  readonly subject: string | readonly string[];
  /** The account holding the IAM OIDC provider; or give `providerArn`. */
  readonly accountId?: string;
  readonly providerArn?: string;
  /** The tokens carry AWS session tags: also allow sts:TagSession. */
  readonly sessionTags?: boolean;
}

/**
 * A trust policy for one issuer: Federated = the issuer's IAM OIDC provider, action
 * sts:AssumeRoleWithWebIdentity, `aud` pinned with StringEquals and `sub` pinned with StringEquals when every
 * subject is exact or StringLike when one is a pattern (StringEquals would treat `*` literally).
 */
export function trustPolicyFor(input: TrustPolicyInput): PolicyJson {
  const prefix = conditionKeyPrefix(input.issuer);
  const providerArn = input.providerArn ?? (input.accountId === undefined ? undefined : oidcProviderArn(input.accountId, input.issuer));
  if (providerArn === undefined) throw new InvalidInputError('missing_account_id', 'A trust policy needs the AWS account id (or the provider ARN).');
  const audiences = toList(input.audience);
  const subjects = toList(input.subject);
  if (audiences.length === 0 || audiences.some((audience) => audience === '')) {
    throw new InvalidInputError('missing_audience', 'A trust policy must pin at least one audience.');
  }
  if (subjects.length === 0 || subjects.some((subject) => subject === '' || /^[*?]/.test(subject))) {
    throw new InvalidInputError('invalid_subject_pattern', 'A trust policy must pin sub to a pattern that starts with a fixed part (not "*").', { subject: subjects });
  }
  const subjectOperator = subjects.some(hasWildcard) ? 'StringLike' : 'StringEquals';
  const audienceCondition = { [`${prefix}:aud`]: single(audiences) };
  const subjectCondition = { [`${prefix}:sub`]: single(subjects) };
  const condition: Record<string, Record<string, string | string[]>> =
    subjectOperator === 'StringEquals'
      ? { StringEquals: { ...audienceCondition, ...subjectCondition } }
      : { StringEquals: audienceCondition, StringLike: subjectCondition };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RolebridgeWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: input.sessionTags ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] : 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  };
}

function toList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

function single(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}
