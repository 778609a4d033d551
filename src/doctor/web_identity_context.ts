import { conditionKeyPrefix, oidcProviderArn, parseArn, sessionTagsFromClaims } from '../policy/index.js';

/**
 * What the doctor knows about one web-identity exchange, derived from the token's claims (never the
 * token) and the role: the provider ARN and condition-key prefix AWS derives from `iss`, exactly as
 * STS looks them up.
 */
export interface WebIdentityFacts {
  claims: Readonly<Record<string, unknown>>;
  issuer: string;
  subject: string | undefined;
  audiences: string[];
  /** `iss` without the scheme: the prefix of every `<prefix>:sub`-style condition key. */
  keyPrefix: string;
  /** `arn:<partition>:iam::<role account>:oidc-provider/<prefix>`: the only Federated principal that matches. */
  providerArn: string;
  roleArn: string;
  roleName: string;
  accountId: string;
  sessionName?: string;
  /** The token passes session tags, so the trust policy must also allow `sts:TagSession`. */
  passesSessionTags: boolean;
}

export function webIdentityFacts(input: {
  claims: Readonly<Record<string, unknown>>;
  roleArn: string;
  /** Falls back to the token's `iss`. */
  issuer?: string;
  sessionName?: string;
}): WebIdentityFacts {
  const { claims } = input;
  const issuer = input.issuer ?? (typeof claims.iss === 'string' ? claims.iss : '');
  const role = parseArn(input.roleArn);
  const accountId = role?.accountId ?? '';
  const partition = role?.partition || 'aws';
  const roleName = (role?.resource ?? '').split('/').at(-1) ?? '';
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : [];
  const tags = sessionTagsFromClaims(claims);
  let keyPrefix = '';
  let providerArn = '';
  try {
    keyPrefix = conditionKeyPrefix(issuer);
    providerArn = oidcProviderArn(accountId, issuer, partition);
  } catch {
    // An unusable issuer leaves both empty; the doctor reports the issuer step instead.
  }
  return {
    claims,
    issuer,
    subject: typeof claims.sub === 'string' ? claims.sub : undefined,
    audiences,
    keyPrefix,
    providerArn,
    roleArn: input.roleArn,
    roleName,
    accountId,
    ...(input.sessionName === undefined ? {} : { sessionName: input.sessionName }),
    passesSessionTags: tags !== undefined && Object.keys(tags.tags).length > 0,
  };
}
