import { assumeRoleRequest } from '../../policy/index.js';
import { AwsError, plainValidationError } from '../aws_error.js';
import { accessDenied } from '../authorize.js';
import { ConstraintChecker, PATTERNS } from '../constraints.js';
import type { ActionHandler } from '../emulator_service.js';
import { trustDecision } from '../policy_decisions.js';
import { assumedRoleUserXml, credentialsXml, issueSession } from './issue_session.js';
import { checkPackedPolicySize } from './packed_policy_size.js';
import { isWellFormedArn, roleFromArn } from './role_from_arn.js';
import { checkSessionTags } from './session_tag_rules.js';
import { checkDuration, checkSessionPolicy, readSessionParameters } from './session_parameters.js';

/** Role chaining is capped at one hour (AWS-REFERENCE §4.2). */
const CHAINED_SESSION_LIMIT_SECONDS = 3600;

/**
 * sts:AssumeRole, signed. The caller's identity policies must allow sts:AssumeRole (and
 * sts:TagSession with tags) on the role, and the role's trust policy must allow the caller —
 * both sides always, in one account or across accounts (stricter than AWS within one account,
 * where a trust policy naming the caller alone suffices).
 */
export const assumeRole: ActionHandler = (context) => {
  const caller = context.caller!;
  const checker = new ConstraintChecker();
  const parameters = readSessionParameters(context, checker);
  const externalId = context.params.get('ExternalId');
  const sourceIdentity = context.params.get('SourceIdentity');
  const tags = context.params.structures('Tags', ['Key', 'Value']).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  const transitiveTagKeys = context.params.list('TransitiveTagKeys');
  checker
    .string(externalId, { member: 'externalId', min: 2, max: 1224, pattern: PATTERNS.externalId })
    .string(sourceIdentity, { member: 'sourceIdentity', min: 2, max: 64, pattern: PATTERNS.roleSessionName });
  for (const tag of tags) {
    checker.string(tag.Key, { member: 'tags.member.key', min: 1, max: 128 }).string(tag.Value, { member: 'tags.member.value', max: 256 });
  }
  checker.throwIfAny();
  // Recorded (LocalStack's test_sts, 2025-07): an ARN missing partition, service or resource, or with
  // too few parts, is a ValidationError "<arn> is invalid"; a well-formed ARN of no role is AccessDenied below.
  if (!isWellFormedArn(parameters.roleArn)) throw plainValidationError(`${parameters.roleArn} is invalid`);
  checkSessionPolicy(parameters.policy);
  const inheritedTransitiveKeys = caller.kind === 'session' ? caller.session.transitiveTagKeys : [];
  checkSessionTags(tags, transitiveTagKeys, inheritedTransitiveKeys);

  // "Roles may not be assumed by root accounts." (AWS-REFERENCE §4.3)
  if (caller.kind === 'root') throw new AwsError('AccessDenied', 403, 'Roles may not be assumed by root accounts.');

  const { accountId, role } = roleFromArn(context.state, parameters.roleArn);
  // A missing or malformed role is the generic AccessDenied, not a validation error (AWS-REFERENCE §4.3).
  if (role === undefined || accountId === undefined) throw accessDenied(caller.arn, 'sts:AssumeRole', parameters.roleArn);
  context.authorize('sts:AssumeRole', role.arn);
  if (tags.length > 0) context.authorize('sts:TagSession', role.arn);

  // Transitive tags of a chained session carry over (IAM User Guide, "Chaining roles with session tags").
  const inherited =
    caller.kind === 'session'
      ? caller.session.sessionTags.filter((t) => inheritedTransitiveKeys.some((key) => key.toLowerCase() === t.Key.toLowerCase()))
      : [];
  const allTags = [...inherited, ...tags];
  const request = assumeRoleRequest({
    callerArn: caller.arn,
    roleArn: role.arn,
    roleSessionName: parameters.roleSessionName,
    ...(externalId === undefined ? {} : { externalId }),
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
    transitiveTagKeys,
  });
  if (trustDecision(role.assumeRolePolicyDocument, request) !== 'Allowed') {
    throw accessDenied(caller.arn, 'sts:AssumeRole', role.arn);
  }

  const chained = caller.kind === 'session';
  const durationSeconds = parameters.durationSeconds ?? 3600;
  if (chained && durationSeconds > CHAINED_SESSION_LIMIT_SECONDS) {
    throw plainValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  checkDuration(durationSeconds, role.maxSessionDuration);
  const policyArns = context.params.structures('PolicyArns', ['arn']).map((entry) => entry.arn ?? '');
  const packedSize = checkPackedPolicySize(parameters.policy, policyArns, tags);

  const session = issueSession(context.state, {
    role,
    accountId,
    sessionName: parameters.roleSessionName,
    durationSeconds,
    now: context.now,
    chained,
    sessionTags: allTags,
    transitiveTagKeys: [...new Set([...inheritedTransitiveKeys, ...transitiveTagKeys])],
    region: context.region,
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    ...(parameters.policy === undefined ? {} : { sessionPolicy: parameters.policy }),
  });
  context.markChanged();
  context.event.recipientAccountId = accountId;
  context.event.responseElements = {
    credentials: { accessKeyId: session.accessKeyId, expiration: session.expiration },
    assumedRoleUser: assumedRoleUserXml(session),
  };
  return {
    Credentials: credentialsXml(session),
    AssumedRoleUser: assumedRoleUserXml(session),
    PackedPolicySize: packedSize,
    SourceIdentity: session.sourceIdentity,
  };
};
