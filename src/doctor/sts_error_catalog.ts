import { THROTTLING_AWS_CODES, UNAVAILABLE_AWS_CODES } from '../aws/index.js';
import { createOidcProviderCommand } from '../policy/index.js';
import { diagnoseTrustFailure } from './diagnose_trust_failure.js';
import { diagnosisOf, type Diagnosis, type DiagnosisFinding, type StsErrorEvidence } from './diagnosis.js';
import { describePackedSize, packedSizeFacts } from './packed_size_facts.js';
import { webIdentityFacts } from './web_identity_context.js';

/** What the doctor knows besides STS's answer: the connection and the token's claims (never the token). */
export interface DiagnosisContext {
  /** The token's claims; empty when no token was minted. */
  claims: Readonly<Record<string, unknown>>;
  /** The tenant's issuer URL (defaults to the token's `iss`). */
  issuer?: string;
  connection: {
    name?: string;
    roleArn: string;
    region: string;
    tokenConfig?: string;
    durationSeconds?: number;
    /** The session policy the connection passes with its last step. */
    sessionPolicy?: string;
    chain: readonly { roleArn: string; externalId?: string; durationSeconds?: number }[];
  };
  sessionName?: string;
  /** The role's trust policy when known (pasted, or read during set-up). */
  trustPolicy?: string | object;
  /** Local clock, epoch ms, to show clock skew against the times STS reports. */
  now: number;
}

type Operation = StsErrorEvidence['operation'];

/**
 * One kind of STS/IAM answer: matched on the wire code AND the message, because one code covers several
 * causes (`InvalidIdentityToken` alone has five). The list is data: adding a case is adding an entry.
 */
interface CatalogEntry {
  codes: readonly string[];
  message: RegExp;
  operations?: readonly Operation[];
  diagnose(match: RegExpExecArray, error: StsErrorEvidence, context: DiagnosisContext): Diagnosis;
}

const single = (
  finding: DiagnosisFinding,
  error: StsErrorEvidence,
  extra: Partial<Pick<Diagnosis, 'basis' | 'confirm' | 'transient'>> = {},
): Diagnosis => diagnosisOf([finding], { basis: extra.basis ?? 'sts_error', sts: error, ...extra });

const facts = (error: StsErrorEvidence, context: DiagnosisContext) =>
  webIdentityFacts({
    claims: context.claims,
    roleArn: context.connection.roleArn,
    ...(tokenIssuer(context) === undefined ? {} : { issuer: tokenIssuer(context)! }),
    ...(context.sessionName === undefined ? {} : { sessionName: context.sessionName }),
  });

/** The token's own `iss` wins: it is what STS looked up. */
function tokenIssuer(context: DiagnosisContext): string | undefined {
  return typeof context.claims.iss === 'string' ? context.claims.iss : context.issuer;
}

/** Which configured value a failing step used: the hop's own setting, or the connection's. */
function hopOf(error: StsErrorEvidence, context: DiagnosisContext) {
  return error.step > 0 ? context.connection.chain[error.step - 1] : undefined;
}

/** `connection warehouse › durationSeconds`: a connection setting, named as the API and console show it. */
const connectionSetting = (context: DiagnosisContext, field: string): string =>
  [`connection${context.connection.name ? ` ${context.connection.name}` : ''}`, field].join(' › ');

/** `token config default › audience`. */
const tokenConfigSetting = (context: DiagnosisContext, field: string): string =>
  [`token config${context.connection.tokenConfig ? ` ${context.connection.tokenConfig}` : ''}`, field].join(' › ');

const epoch = (seconds: number): string => `${seconds} (${new Date(seconds * 1000).toISOString()})`;

export const STS_ERROR_CATALOG: readonly CatalogEntry[] = [
  {
    codes: ['AccessDenied'],
    message: /^Not authorized to perform sts:AssumeRoleWithWebIdentity/,
    operations: ['AssumeRoleWithWebIdentity'],
    diagnose: (_match, error, context) => diagnoseTrustFailure(facts(error, context), context.trustPolicy, error),
  },
  {
    codes: ['InvalidIdentityToken'],
    message: /^No OpenIDConnect provider found in your account for (.+)$/,
    diagnose: (match, error, context) => {
      const f = facts(error, context);
      const issuer = match[1]!;
      return single(
        {
          code: 'oidc_provider_not_found',
          cause: `Account ${f.accountId} has no IAM OIDC identity provider whose URL is exactly the token's issuer ${issuer}.`,
          setting: `IAM OIDC identity providers of account ${f.accountId}`,
          actual: `no provider for ${issuer}`,
          expected: `provider ${f.providerArn} (URL ${issuer}, audience ${f.audiences[0] ?? '?'})`,
          fix:
            'Create the provider in the role\'s own account, its URL matching the issuer byte for byte (scheme, host, path, no trailing slash): ' +
            createOidcProviderCommand({ issuer, audiences: f.audiences.length > 0 ? f.audiences : ['<audience>'] }),
        },
        error,
      );
    },
  },
  {
    codes: ['InvalidIdentityToken'],
    message: /^Incorrect token audience$/,
    diagnose: (_match, error, context) => {
      const f = facts(error, context);
      const audience = typeof context.claims.azp === 'string' ? context.claims.azp : f.audiences[0];
      return single(
        {
          code: 'provider_audience_mismatch',
          cause: `The token's audience ${audience ?? '?'} is not one of the client IDs (audiences) registered on the OIDC provider ${f.providerArn}.`,
          setting: `IAM OIDC provider ${f.providerArn} › Audiences (ClientIDList)`,
          actual: 'a client ID list without the token\'s audience',
          expected: audience ?? null,
          fix:
            `Add the audience: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${f.providerArn} --client-id ${audience ?? '<audience>'}` +
            `${context.connection.tokenConfig ? `, or change token config ${context.connection.tokenConfig}'s audience to one the provider lists` : ''}.`,
        },
        error,
      );
    },
  },
  {
    codes: ['InvalidIdentityToken'],
    message: /^Couldn't retrieve verification key from your identity provider/,
    diagnose: (_match, error, context) => {
      const issuer = tokenIssuer(context) ?? '?';
      return single(
        {
          code: 'verification_key_unretrievable',
          cause: `STS could not fetch the signing keys from ${issuer}/.well-known/openid-configuration and its jwks_uri: not publicly reachable over HTTPS on port 443, slower than 5 seconds, throttled, or no key matching the token.`,
          setting: `issuer ${issuer} › discovery document and JWKS`,
          actual: 'not retrievable by STS',
          expected: `${issuer}/.well-known/openid-configuration and its jwks_uri reachable from the internet over HTTPS within 5 seconds, listing the token's kid`,
          fix: `Check from outside your network: curl ${issuer}/.well-known/openid-configuration and the jwks_uri it names; the doctor's issuer step shows what it saw.`,
        },
        error,
      );
    },
  },
  {
    codes: ['InvalidIdentityToken'],
    message: /^OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint/,
    diagnose: (_match, error, context) => {
      const f = facts(error, context);
      return single(
        {
          code: 'provider_thumbprint_mismatch',
          cause: `The issuer's TLS certificate is not from a CA AWS trusts and does not match the thumbprints registered on ${f.providerArn}.`,
          setting: `IAM OIDC provider ${f.providerArn} › Thumbprints`,
          actual: 'thumbprints that do not match the JWKS host\'s certificate',
          expected: 'the SHA-1 thumbprint of the top intermediate CA of the JWKS host',
          fix: 'Serve the issuer with a certificate from a public CA, or update the thumbprint: aws iam update-open-id-connect-provider-thumbprint.',
        },
        error,
      );
    },
  },
  {
    codes: ['InvalidIdentityToken'],
    message: /^Missing a required claim: (\w+)/,
    diagnose: (match, error, context) =>
      single(
        {
          code: 'token_missing_claim',
          cause: `The token has no ${match[1]} claim, which STS requires.`,
          setting: tokenConfigSetting(context, match[1] === 'aud' ? 'audience' : match[1] === 'sub' ? 'subjectTemplate' : match[1]!),
          actual: 'absent',
          expected: `a non-empty ${match[1]} claim`,
          fix: `Give the token config a${match[1] === 'aud' ? 'n audience' : match[1] === 'sub' ? ' subject template' : ` ${match[1]}`}; every token for AWS needs iss, aud, sub and exp.`,
        },
        error,
      ),
  },
  {
    codes: ['ExpiredTokenException'],
    message: /^Token expired: current date\/time (\d+) must be before the expiration date\/time ?(\d+)/,
    diagnose: (match, error, context) => {
      const stsNow = Number(match[1]);
      const exp = Number(match[2]);
      const localNow = Math.floor(context.now / 1000);
      const skew = stsNow - localNow;
      const skewed = Math.abs(skew) > 60;
      return single(
        {
          code: 'token_expired',
          cause: skewed
            ? `STS's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} this server's, so a fresh token looked expired to STS (AWS allows 5 minutes past exp).`
            : `The token expired before STS received it (exp ${exp}, STS time ${stsNow}, more than AWS's 5-minute grace).`,
          setting: skewed ? 'rolebridge server clock' : tokenConfigSetting(context, 'lifetimeSeconds'),
          actual: `token exp ${epoch(exp)}; STS time ${epoch(stsNow)}; local time ${epoch(localNow)}; clock skew ${skew} s`,
          expected: 'STS time before exp + 300 s, and the local clock within a few seconds of STS',
          fix: skewed
            ? 'Synchronise this server\'s clock (NTP); tokens are stamped with it.'
            : 'Mint a fresh token for each exchange (do not cache tokens past their lifetime), or lengthen the token config\'s lifetime.',
        },
        error,
      );
    },
  },
  {
    codes: ['ExpiredTokenException'],
    message: /^Token too old: (\d+)/,
    diagnose: (match, error) =>
      single(
        {
          code: 'token_too_old',
          cause: `STS considers the token too old (${match[1]} s since it was issued), although it may not have expired.`,
          setting: 'token issuance (iat)',
          actual: `${match[1]} s old`,
          expected: 'a freshly issued token',
          fix: 'Mint a fresh token right before each exchange; never reuse a token minted long ago.',
        },
        error,
      ),
  },
  {
    codes: ['ExpiredTokenException', 'ExpiredToken'],
    message: /^The security token included in the request is expired/,
    operations: ['AssumeRole', 'GetCallerIdentity'],
    diagnose: (_match, error) =>
      single(
        {
          code: 'session_expired_in_chain',
          cause: `The credentials of the previous step expired before ${error.operation} was signed with them.`,
          setting: `chain step ${error.step}`,
          actual: 'expired session credentials',
          expected: 'unexpired credentials from the previous step',
          fix: 'Run the chain without delay between steps and check the server clock (NTP).',
        },
        error,
      ),
  },
  {
    codes: ['InvalidIdentityToken'],
    message: /./,
    diagnose: (_match, error) =>
      single(
        {
          code: 'token_rejected',
          cause: `STS rejected the token: ${error.message}`,
          setting: 'issuer signing key and token format',
          actual: error.message,
          expected: 'a compact JWS signed RS256/ES256 with a key published in the issuer\'s JWKS',
          fix: 'Check that the issuer\'s JWKS lists the kid the token is signed with (see the issuer step), and that the token is an ID token, not an access token.',
        },
        error,
      ),
  },
  {
    codes: ['IDPCommunicationError'],
    message: /./,
    diagnose: (_match, error, context) =>
      single(
        {
          code: 'idp_communication_error',
          cause: `STS could not reach the identity provider${tokenIssuer(context) ? ` ${tokenIssuer(context)}` : ''} to verify the token.`,
          setting: `issuer ${tokenIssuer(context) ?? ''} availability`.trim(),
          actual: 'unreachable from STS',
          expected: 'discovery document and JWKS answering from the internet within 5 seconds',
          fix: 'Retry in a moment; if it persists, check the issuer\'s public reachability and latency (the issuer step shows both).',
        },
        error,
        { transient: true },
      ),
  },
  {
    codes: ['IDPRejectedClaim'],
    message: /./,
    diagnose: (_match, error) =>
      single(
        {
          code: 'idp_rejected_claim',
          cause: `The identity provider rejected the token's claims when STS asked it to verify them (revoked or expired at the provider).`,
          setting: 'token claims',
          actual: error.message,
          expected: 'a token the identity provider still honours',
          fix: 'Mint a fresh token; if the provider revoked the identity, restore it there.',
        },
        error,
      ),
  },
  {
    codes: ['ValidationError'],
    message: /at 'roleSessionName' failed to satisfy constraint/,
    diagnose: (_match, error, context) =>
      single(
        {
          code: 'invalid_session_name',
          cause: 'The RoleSessionName breaks AWS\'s rule: 2–64 characters of letters, digits and _+=,.@-.',
          setting: hopOf(error, context) ? `connection chain[${error.step - 1}].sessionName` : 'session name',
          actual: context.sessionName ?? null,
          expected: 'a name matching [\\w+=,.@-]{2,64}',
          fix: 'Use a session name of at most 64 characters without spaces, slashes, colons or brackets.',
        },
        error,
      ),
  },
  {
    codes: ['ValidationError'],
    message: /^The requested DurationSeconds exceeds the MaxSessionDuration set for this role\./,
    diagnose: (_match, error, context) => {
      const hop = hopOf(error, context);
      const duration = hop ? hop.durationSeconds : context.connection.durationSeconds;
      const roleName = error.roleArn.split('/').at(-1) ?? '';
      return single(
        {
          code: 'duration_exceeds_role_maximum',
          cause: `The connection asks for ${duration ?? 'a'} second sessions, more than the role's MaxSessionDuration.`,
          setting: connectionSetting(context, hop ? `chain[${error.step - 1}].durationSeconds` : 'durationSeconds'),
          actual: duration === undefined ? null : String(duration),
          expected: `at most the role's MaxSessionDuration (aws iam get-role --role-name ${roleName} --query Role.MaxSessionDuration)`,
          fix: `Lower the connection's duration, or raise the role's maximum: aws iam update-role --role-name ${roleName} --max-session-duration ${duration ?? 3600}.`,
        },
        error,
      );
    },
  },
  {
    codes: ['ValidationError'],
    message: /^The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining\./,
    diagnose: (_match, error, context) => {
      const hop = hopOf(error, context);
      return single(
        {
          code: 'duration_exceeds_chaining_cap',
          cause: 'A chained AssumeRole asked for more than one hour; AWS caps sessions obtained by role chaining at 3600 seconds, whatever the role\'s maximum.',
          setting: connectionSetting(context, `chain[${Math.max(0, error.step - 1)}].durationSeconds`),
          actual: hop?.durationSeconds === undefined ? null : String(hop.durationSeconds),
          expected: '3600 or less',
          fix: 'Set the hop\'s durationSeconds to 3600 or less (rolebridge refreshes chained credentials before they expire).',
        },
        error,
      );
    },
  },
  {
    codes: ['ValidationError'],
    message: /at 'durationSeconds' failed to satisfy constraint: Member must have value (less|greater) than or equal to (\d+)/,
    diagnose: (match, error, context) =>
      single(
        {
          code: 'invalid_duration',
          cause: `DurationSeconds must be ${match[1] === 'less' ? 'at most' : 'at least'} ${match[2]} seconds.`,
          setting: connectionSetting(context, error.step > 0 ? `chain[${error.step - 1}].durationSeconds` : 'durationSeconds'),
          actual: /Value '([^']*)'/.exec(error.message)?.[1] ?? null,
          expected: '900 to 43200 (3600 at most for chained roles)',
          fix: 'Choose a duration between 900 and the role\'s MaxSessionDuration.',
        },
        error,
      ),
  },
  {
    codes: ['ValidationError'],
    message: /^Request ARN is invalid/,
    diagnose: (_match, error, context) =>
      single(
        {
          code: 'invalid_role_arn',
          cause: `STS does not accept ${error.roleArn} as a role ARN.`,
          setting: connectionSetting(context, error.step > 0 ? `chain[${error.step - 1}].roleArn` : 'roleArn'),
          actual: error.roleArn,
          expected: 'arn:aws:iam::<12-digit account>:role/<name>',
          fix: 'Copy the role ARN from the IAM console (Roles › the role › ARN).',
        },
        error,
      ),
  },
  {
    codes: ['AccessDenied'],
    message: /is not authorized to perform: sts:TagSession on resource: (\S+)/,
    operations: ['AssumeRole'],
    diagnose: (match, error) =>
      single(
        {
          code: 'chain_missing_tag_session',
          cause: `The chained role ${match[1]} is asked to carry session tags (transitive tags from the token), and its trust policy does not allow sts:TagSession.`,
          setting: `role trust policy of ${match[1]} › Action`,
          actual: 'sts:AssumeRole',
          expected: 'sts:AssumeRole, sts:TagSession',
          fix: `Add "sts:TagSession" to the statement of ${match[1]}'s trust policy that allows the previous role.`,
        },
        error,
      ),
  },
  {
    codes: ['AccessDenied'],
    message: /^User: (\S+) is not authorized to perform: sts:AssumeRole on resource: (\S+)( with an explicit deny)?(?: because (.*))?$/,
    operations: ['AssumeRole'],
    diagnose: (match, error, context) => chainAccessDenied(match, error, context),
  },
  {
    codes: ['AccessDenied'],
    message: /^Not authorized to perform sts:AssumeRole$/,
    operations: ['AssumeRole'],
    diagnose: (match, error, context) => chainAccessDenied(match, error, context),
  },
  {
    codes: ['RegionDisabledException'],
    message: /^STS is not activated in this region for account:(\d+)/,
    diagnose: (match, error, context) =>
      single(
        {
          code: 'region_disabled',
          cause: `The STS regional endpoint of ${context.connection.region} is deactivated for account ${match[1]}.`,
          setting: connectionSetting(context, 'region'),
          actual: context.connection.region,
          expected: `a region where STS is active for account ${match[1]}`,
          fix: `Activate STS in ${context.connection.region} (IAM console › Account settings › Security Token Service (STS) › Endpoints), or give the connection a region where it is active.`,
        },
        error,
      ),
  },
  {
    codes: ['PackedPolicyTooLarge', 'PackedPolicyTooLargeException'],
    message: /consumes (\d+)% of allotted space/,
    diagnose: (match, error, context) => {
      // The web-identity step carries the token's tags; a session policy travels with the last step only.
      const lastStep = error.step === context.connection.chain.length;
      const sizes = packedSizeFacts(Number(match[1]), error.step === 0 ? context.claims : {}, lastStep ? context.connection.sessionPolicy : undefined);
      const tagsCase = sizes.sessionTags.count > 0 || /session tags/.test(error.message);
      const over = sizes.percent - 100;
      const cut = Math.ceil(100 - 10_000 / sizes.percent);
      if (sizes.sessionTags.count === 0 && sizes.sessionPolicyCharacters === 0) {
        // Nothing of it is in what the doctor sees (tags added on the way, a hop's inherited tags): STS's figure only.
        return single(
          {
            code: 'packed_policy_too_large',
            cause: `The ${tagsCase ? 'session tags' : 'session policy and tags'} packed into the session use ${sizes.percent}% of the space STS allows.`,
            setting: tagsCase ? tokenConfigSetting(context, 'sessionTags') : connectionSetting(context, 'sessionPolicy'),
            actual: `${sizes.percent}%`,
            expected: 'at most 100%',
            fix: `Cut at least ${cut}% of the ${tagsCase ? 'session tags (keys and values count after compression)' : 'session policy and tags'}.`,
          },
          error,
        );
      }
      return {
        ...single(
          {
            code: 'packed_policy_too_large',
            cause:
              `STS packs the ${tagsCase ? 'session tags' : 'session policy'} of ${error.operation} into a compressed form and it used ${sizes.percent}% of the space allowed ` +
              `(${over}% too much): ${describePackedSize(sizes)}.`,
            setting: tagsCase ? tokenConfigSetting(context, 'sessionTags') : connectionSetting(context, 'sessionPolicy'),
            actual: `${sizes.percent}%: ${describePackedSize(sizes)}`,
            expected: `at most 100%: about ${sizes.targetCharacters} characters of ${tagsCase ? 'tag keys and values' : 'session policy'} or fewer, at the same compressibility`,
            fix: tagsCase
              ? `Cut at least ${cut}% of the session tags' characters (${sizes.sessionTags.keyCharacters + sizes.sessionTags.valueCharacters} → ≤ ${sizes.targetCharacters}): drop tags no policy reads, shorten the largest` +
                `${sizes.sessionTags.largest[0] ? ` (${sizes.sessionTags.largest[0].key})` : ''}, or carry long values as claims instead; ` +
                'repetitive values compress better than random ones.'
              : `Shorten the session policy by at least ${cut}% (${sizes.sessionPolicyCharacters} → ≤ ${sizes.targetCharacters} characters, minified), or pass fewer session tags.`,
          },
          error,
        ),
        packedSize: sizes,
      };
    },
  },
  {
    codes: ['MalformedPolicyDocument', 'MalformedPolicyDocumentException'],
    message: /./,
    diagnose: (_match, error, context) =>
      single(
        {
          code: 'session_policy_malformed',
          cause: `STS rejected the connection's session policy: ${error.message}`,
          setting: connectionSetting(context, 'sessionPolicy'),
          actual: error.message,
          expected: 'a valid IAM policy document (identity policy: no Principal)',
          fix: 'Fix the session policy (rolebridge policy lint FILE shows where it is wrong).',
        },
        error,
      ),
  },
  {
    codes: THROTTLING_AWS_CODES,
    message: /./,
    diagnose: (_match, error) =>
      single(
        {
          code: 'sts_throttled',
          cause: `STS throttled ${error.operation} (${error.message}).`,
          setting: 'STS request rate for the account',
          actual: error.message,
          expected: 'fewer STS calls per second',
          fix: 'Retry shortly; rolebridge caches credentials per connection, so sustained throttling means many distinct sessions — check for callers bypassing the cache.',
        },
        error,
        { transient: true },
      ),
  },
  {
    codes: UNAVAILABLE_AWS_CODES,
    message: /[\s\S]*/,
    diagnose: (_match, error, context) =>
      single(
        {
          code: 'sts_unreachable',
          cause: `STS in ${context.connection.region} did not answer ${error.operation} (${error.code}).`,
          setting: 'network path to STS (AWS_ENDPOINT_URL_STS, proxy, firewall)',
          actual: error.message,
          expected: `a reachable STS endpoint for ${context.connection.region}`,
          fix: 'Retry in a moment; if it persists, check outbound connectivity and any AWS_ENDPOINT_URL* overrides on the server.',
        },
        error,
        { transient: true },
      ),
  },
  {
    codes: ['InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature'],
    message: /./,
    operations: ['AssumeRole', 'GetCallerIdentity'],
    diagnose: (_match, error) =>
      single(
        {
          code: 'chain_credentials_rejected',
          cause: `STS did not accept the credentials of the previous step when signing ${error.operation}: ${error.message}`,
          setting: `chain step ${error.step}`,
          actual: error.code,
          expected: 'the session credentials the previous step returned',
          fix: 'Check that the chain runs in one partition and region set, and that the server clock is correct (SigV4 allows 15 minutes).',
        },
        error,
      ),
  },
];

/**
 * A chained AssumeRole was refused. Two settings can be at fault and the short text does not say which:
 * the target's trust policy (principal or `sts:ExternalId`) or the previous role's permission to call
 * `sts:AssumeRole`. AWS's newer texts end with "because no identity-based policy allows …", which settles it.
 */
function chainAccessDenied(match: RegExpExecArray, error: StsErrorEvidence, context: DiagnosisContext): Diagnosis {
  const hop = hopOf(error, context);
  const caller = match[1] ?? 'the previous role';
  const target = match[2] ?? error.roleArn;
  const explicitDeny = match[3] !== undefined;
  const reason = match[4] ?? '';
  const previousRole = error.step <= 1 ? context.connection.roleArn : (context.connection.chain[error.step - 2]?.roleArn ?? 'the previous role');
  const permission: DiagnosisFinding = {
    code: 'chain_permission_missing',
    cause: `The role ${previousRole} has no permission to call sts:AssumeRole on ${target}.`,
    setting: `permission policies of ${previousRole}`,
    actual: 'no statement allowing sts:AssumeRole on the next role',
    expected: `Allow sts:AssumeRole on ${target}`,
    fix: `Attach to ${previousRole.split('/').at(-1)}: {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"${target}"}.`,
  };
  const externalId: DiagnosisFinding = {
    code: 'chain_external_id_mismatch',
    cause: `The trust policy of ${target} does not accept the ExternalId the connection sends (or does not trust ${caller}).`,
    setting: `connection chain[${error.step - 1}].externalId / role trust policy of ${target} › Condition.StringEquals["sts:ExternalId"]`,
    actual: hop?.externalId === undefined ? 'no ExternalId sent' : `ExternalId sent: ${hop.externalId}`,
    expected: 'the same value in the connection and in the trust policy\'s sts:ExternalId condition',
    fix: `Make the connection's externalId equal the trust policy's sts:ExternalId, and make the trust policy's Principal name ${previousRole}.`,
  };
  // An explicit deny in the text comes from the caller's own policies (a trust policy refusal never says so).
  if (explicitDeny || /identity-based policy/i.test(reason)) return single(permission, error);
  if (/resource-based policy|trust policy/i.test(reason)) return single(externalId, error);
  // Without the reason, the hop's own settings are the best evidence: an ExternalId is the usual fault.
  const ordered: [DiagnosisFinding, ...DiagnosisFinding[]] = hop?.externalId !== undefined ? [externalId, permission] : [permission, externalId];
  return diagnosisOf(ordered, {
    basis: 'inferred',
    sts: error,
    confirm:
      `Read ${target.split('/').at(-1)}'s trust policy (aws iam get-role --role-name ${target.split('/').at(-1)} --query Role.AssumeRolePolicyDocument) for the sts:ExternalId value and the trusted principal, ` +
      `and ${previousRole.split('/').at(-1)}'s permission policies for sts:AssumeRole (aws iam list-role-policies / list-attached-role-policies).`,
  });
}

/**
 * The doctor's reading of any STS error: the catalog entry matching the code, message and operation, or
 * STS's answer verbatim with a generic next step — never swallowed.
 */
export function diagnoseStsError(error: StsErrorEvidence, context: DiagnosisContext): Diagnosis {
  for (const entry of STS_ERROR_CATALOG) {
    if (!entry.codes.includes(error.code)) continue;
    if (entry.operations && !entry.operations.includes(error.operation)) continue;
    const match = entry.message.exec(error.message);
    if (match) return entry.diagnose(match, error, context);
  }
  return diagnosisOf(
    [
      {
        code: 'unrecognized_sts_error',
        cause: `STS answered ${error.operation} with ${error.code}: ${error.message}`,
        setting: error.step === 0 ? 'web-identity exchange' : `chain step ${error.step} (${error.roleArn})`,
        actual: `${error.code}: ${error.message}`,
        expected: null,
        fix: `The doctor does not know this answer. Search the AWS documentation for "${error.code}"${error.requestId ? `, and quote request id ${error.requestId} to AWS Support` : ''}; the test's steps show everything that succeeded before it.`,
      },
    ],
    { basis: 'sts_error', sts: error },
  );
}
