import { AwsError } from './aws_error.js';
import type { Caller } from './caller.js';
import type { EmulatorState } from './emulator_state.js';
import { identityDecision } from './policy_decisions.js';

/**
 * Whether `caller` may perform `action` on `resource` by its identity-based policies, as IAM decides
 * within one account: the account root may do everything; an IAM user by its inline policies; a
 * role session by its role's inline policies (and its session policy, when one was passed).
 * Throws AccessDenied with AWS's text:
 *   `User: <arn> is not authorized to perform: <action> on resource: <resource>`
 * plus ` with an explicit deny` when a Deny statement matched (AWS-REFERENCE §7.2). AWS's newer
 * "because no identity-based policy allows …" suffix is not added (unconfirmed, §10.13).
 * Exported for the other emulated services (Redshift) to reuse.
 */
export function authorize(
  state: EmulatorState,
  caller: Caller,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): void {
  if (caller.kind === 'root') return;
  const request = {
    action,
    principal: { kind: 'AWS' as const, id: caller.arn },
    resource,
    context: { 'aws:PrincipalArn': principalArn(caller), 'aws:PrincipalAccount': caller.accountId, ...context },
  };
  let decision = identityDecision(identityPolicies(state, caller), request);
  if (decision === 'Allowed' && caller.kind === 'session' && caller.session.sessionPolicy !== undefined) {
    decision = identityDecision([caller.session.sessionPolicy], request);
  }
  if (decision === 'Allowed') return;
  throw accessDenied(caller.arn, action, resource, decision === 'ExplicitlyDenied');
}

export function accessDenied(callerArn: string, action: string, resource: string, explicit = false): AwsError {
  return new AwsError(
    'AccessDenied',
    403,
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}${explicit ? ' with an explicit deny' : ''}`,
  );
}

function principalArn(caller: Caller): string {
  return caller.kind === 'session' ? caller.session.roleArn : caller.arn;
}

function identityPolicies(state: EmulatorState, caller: Caller): string[] {
  const account = state.accounts[caller.accountId];
  if (account === undefined) return [];
  if (caller.kind === 'user') {
    const user = account.users[caller.user.name.toLowerCase()];
    return user === undefined ? [] : Object.values(user.inlinePolicies);
  }
  if (caller.kind === 'session') {
    const role = account.roles[caller.session.roleName.toLowerCase()];
    return role === undefined ? [] : Object.values(role.inlinePolicies);
  }
  return [];
}
