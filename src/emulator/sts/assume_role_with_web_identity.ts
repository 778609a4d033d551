import { sessionTagsFromClaims, webIdentityRequest } from '../../policy/index.js';
import { AwsError, plainValidationError } from '../aws_error.js';
import { ConstraintChecker } from '../constraints.js';
import type { ActionHandler } from '../emulator_service.js';
import { trustDecision } from '../policy_decisions.js';
import { verifyWebIdentityToken } from '../web_identity/verify_web_identity_token.js';
import { assumedRoleUserXml, credentialsXml, issueSession } from './issue_session.js';
import { checkPackedPolicySize } from './packed_policy_size.js';
import { roleFromArn } from './role_from_arn.js';
import { checkDuration, checkSessionPolicy, readSessionParameters } from './session_parameters.js';

const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';

/**
 * sts:AssumeRoleWithWebIdentity (unsigned). Parameters, then the token (see
 * verifyWebIdentityToken for the order), then the role and its trust policy through src/policy,
 * then the duration against the role's MaxSessionDuration.
 */
export const assumeRoleWithWebIdentity: ActionHandler = async (context) => {
  const checker = new ConstraintChecker();
  const parameters = readSessionParameters(context, checker);
  const token = context.params.get('WebIdentityToken');
  checker.string(token === undefined ? undefined : '***', { member: 'webIdentityToken', required: true });
  if (token !== undefined && (token.length < 4 || token.length > 20000)) {
    // The token itself is never echoed: it is a credential.
    throw plainValidationError(
      `1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length ${token.length < 4 ? 'greater than or equal to 4' : 'less than or equal to 20000'}`,
    );
  }
  checker.throwIfAny();
  checkSessionPolicy(parameters.policy);

  const { accountId, role, wellFormed } = roleFromArn(context.state, parameters.roleArn);
  if (!wellFormed) throw plainValidationError('Request ARN is invalid');
  const account = context.state.accounts[accountId!];
  const identity = await verifyWebIdentityToken({ token: token!, account, issuerKeys: context.issuerKeys, now: context.now });

  context.event.userIdentity = {
    type: 'WebIdentityUser',
    principalId: `${identity.provider.arn.split(':oidc-provider/')[1] ?? ''}:${identity.audience}:${identity.subject}`,
    userName: identity.subject,
    identityProvider: identity.provider.arn,
    webIdFederationData: {
      federatedProvider: identity.provider.arn,
      attributes: {
        aud: identity.audience,
        sub: identity.subject,
        ...(typeof identity.claims.jti === 'string' ? { jti: identity.claims.jti } : {}),
      },
    },
  };
  context.event.recipientAccountId = accountId;

  if (role === undefined) throw new AwsError('AccessDenied', 403, NOT_AUTHORIZED);
  const request = webIdentityRequest({
    // A multi-valued aud presents the audience that matched a client id (unconfirmed for AWS;
    // keeps `StringEquals` on `:aud` working for Kubernetes-style audience lists).
    claims: Array.isArray(identity.claims.aud) && identity.claims.azp === undefined ? { ...identity.claims, aud: identity.audience } : identity.claims,
    issuer: identity.issuer,
    providerArn: identity.provider.arn,
    roleArn: role.arn,
    roleSessionName: parameters.roleSessionName,
  });
  // Missing sts:TagSession gets the same text as a refused trust (AWS-REFERENCE §2.12: web variant unconfirmed).
  if (trustDecision(role.assumeRolePolicyDocument, request) !== 'Allowed') throw new AwsError('AccessDenied', 403, NOT_AUTHORIZED);

  const durationSeconds = parameters.durationSeconds ?? 3600;
  checkDuration(durationSeconds, role.maxSessionDuration);

  const tags = sessionTagsFromClaims(identity.claims);
  const sessionTags = Object.entries(tags?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const policyArns = context.params.structures('PolicyArns', ['arn']).map((entry) => entry.arn ?? '');
  checkPackedPolicySize(parameters.policy, policyArns, sessionTags);
  const sourceIdentity = identity.claims['https://aws.amazon.com/source_identity'];
  const session = issueSession(context.state, {
    role,
    accountId: accountId!,
    sessionName: parameters.roleSessionName,
    durationSeconds,
    now: context.now,
    chained: false,
    region: context.region,
    sessionTags,
    transitiveTagKeys: [...(tags?.transitiveTagKeys ?? [])],
    ...(typeof sourceIdentity === 'string' ? { sourceIdentity } : {}),
    ...(parameters.policy === undefined ? {} : { sessionPolicy: parameters.policy }),
    webIdentity: {
      providerArn: identity.provider.arn,
      issuer: identity.issuer,
      subject: identity.subject,
      audience: identity.audience,
      ...(typeof identity.claims.jti === 'string' ? { jti: identity.claims.jti } : {}),
    },
  });
  context.markChanged();
  context.event.responseElements = {
    credentials: { accessKeyId: session.accessKeyId, expiration: session.expiration },
    subjectFromWebIdentityToken: identity.subject,
    assumedRoleUser: assumedRoleUserXml(session),
    provider: identity.provider.arn,
    audience: identity.audience,
  };
  return {
    Credentials: credentialsXml(session),
    SubjectFromWebIdentityToken: identity.subject,
    AssumedRoleUser: assumedRoleUserXml(session),
    // For OIDC providers STS reports the provider's ARN here.
    Provider: identity.provider.arn,
    Audience: identity.audience,
    SourceIdentity: session.sourceIdentity,
  };
};
