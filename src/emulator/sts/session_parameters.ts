import { AwsError, plainValidationError } from '../aws_error.js';
import { ConstraintChecker, PATTERNS } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import { parsePolicy, PolicyParseError } from '../../policy/index.js';

/** Parameters AssumeRole and AssumeRoleWithWebIdentity share, checked as the STS model says (AWS-REFERENCE §1.2). */
export interface SessionParameters {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number | undefined;
  policy: string | undefined;
}

export function readSessionParameters(context: ActionContext, checker: ConstraintChecker): SessionParameters {
  const { params } = context;
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const duration = params.get('DurationSeconds');
  const policy = params.get('Policy');
  const policyArns = params.structures('PolicyArns', ['arn']);
  checker
    .string(roleArn, { member: 'roleArn', required: true, min: 20, max: 2048 })
    .string(roleSessionName, { member: 'roleSessionName', required: true, min: 2, max: 64, pattern: PATTERNS.roleSessionName })
    .number(duration, { member: 'durationSeconds', min: 900, max: 43200 })
    .string(policy, { member: 'policy', min: 1, max: 2048, pattern: PATTERNS.policyDocument });
  for (const entry of policyArns) checker.string(entry.arn, { member: 'policyArns.member.arn', min: 20, max: 2048 });
  if (policyArns.length > 10) {
    checker.string(`[${policyArns.map((p) => p.arn ?? '').join(', ')}]`, { member: 'policyArns', max: 10 });
  }
  if (duration !== undefined && !/^\d+$/.test(duration)) {
    throw plainValidationError(`Invalid value for parameter DurationSeconds: ${duration}`);
  }
  return { roleArn: roleArn ?? '', roleSessionName: roleSessionName ?? '', durationSeconds: duration === undefined ? undefined : Number(duration), policy };
}

/** A session policy must be a valid policy document (STS: `MalformedPolicyDocument`). */
export function checkSessionPolicy(policy: string | undefined): void {
  if (policy === undefined) return;
  try {
    parsePolicy(policy);
  } catch (error) {
    if (error instanceof PolicyParseError) throw new AwsError('MalformedPolicyDocument', 400, error.message);
    throw error;
  }
}

/** `DurationSeconds` against the role's `MaxSessionDuration` (AWS-REFERENCE §1.3). */
export function checkDuration(durationSeconds: number, maxSessionDuration: number): void {
  if (durationSeconds > maxSessionDuration) {
    throw plainValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
}
