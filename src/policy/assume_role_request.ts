import { parseArn } from './arn.js';
import type { AuthorizationRequest, ContextValue } from './authorization_request.js';
import { sessionTagContext } from './session_tags.js';

export interface AssumeRoleRequestInput {
  /** The caller: a user, role, assumed-role session ARN or an account's root. */
  readonly callerArn: string;
  readonly roleArn: string;
  readonly roleSessionName?: string;
  readonly externalId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
}

export const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * The request AWS evaluates against the target role's trust policy for sts:AssumeRole.
 * `aws:PrincipalArn` of an assumed-role session is the role's ARN, not the session's.
 */
export function assumeRoleRequest(input: AssumeRoleRequestInput): AuthorizationRequest {
  const context: Record<string, ContextValue> = {};
  const caller = parseArn(input.callerArn);
  context['aws:PrincipalArn'] = principalArnOf(input.callerArn);
  if (caller?.accountId) context['aws:PrincipalAccount'] = caller.accountId;
  if (caller) context['aws:PrincipalType'] = principalTypeOf(caller.resource);
  if (input.externalId !== undefined) context['sts:ExternalId'] = input.externalId;
  if (input.roleSessionName !== undefined) context['sts:RoleSessionName'] = input.roleSessionName;
  if (input.sourceIdentity !== undefined) context['sts:SourceIdentity'] = input.sourceIdentity;
  const tags = input.tags ?? {};
  Object.assign(context, sessionTagContext(tags, input.transitiveTagKeys ?? []));
  return {
    action: ASSUME_ROLE,
    principal: { kind: 'AWS', id: input.callerArn },
    resource: input.roleArn,
    context,
    requiresTagSession: Object.keys(tags).length > 0,
  };
}

/** `arn:aws:sts::1:assumed-role/R/s` → `arn:aws:iam::1:role/R`; every other ARN is its own principal ARN. */
export function principalArnOf(callerArn: string): string {
  const arn = parseArn(callerArn);
  if (arn?.service === 'sts' && arn.resource.startsWith('assumed-role/')) {
    const roleName = arn.resource.split('/')[1] ?? '';
    return `arn:${arn.partition}:iam::${arn.accountId}:role/${roleName}`;
  }
  return callerArn;
}

function principalTypeOf(resource: string): string {
  if (resource === 'root') return 'Account';
  if (resource.startsWith('assumed-role/')) return 'AssumedRole';
  if (resource.startsWith('user/')) return 'User';
  if (resource.startsWith('federated-user/')) return 'FederatedUser';
  return 'Role';
}
