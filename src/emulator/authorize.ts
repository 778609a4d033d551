import { AwsError } from './aws_error.js';
import type { Caller } from './caller.js';
import type { EmulatorState } from './emulator_state.js';
import { attachedDocuments } from './iam/managed_policies.js';
import { identityDecision } from './policy_decisions.js';

/**
 * Whether `caller` may perform `action` on `resource` by its identity-based policies, as IAM decides
 * within one account: the account root may do everything; an IAM user by its inline policies; a
 * role session by its role's inline and attached managed policies, capped by the role's permissions
 * boundary and by its session policy, when one was passed.
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
  // A permissions boundary caps what the identity policies grant: both must allow (an explicit deny in either wins).
  const boundary = permissionsBoundary(state, caller);
  if (decision !== 'ExplicitlyDenied' && boundary !== undefined) {
    // A boundary whose policy is gone allows nothing.
    const capped = boundary.length === 0 ? 'ImplicitlyDenied' : identityDecision(boundary, request);
    if (capped !== 'Allowed') decision = capped;
  }
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
    return user === undefined ? [] : [...Object.values(user.inlinePolicies), ...attachedDocuments(state, caller.accountId, user.attachedPolicyArns)];
  }
  if (caller.kind === 'session') {
    const role = account.roles[caller.session.roleName.toLowerCase()];
    if (role === undefined) return [];
    // Attached managed policies (AWS managed or the account's own) count like inline ones.
    return [...Object.values(role.inlinePolicies), ...attachedDocuments(state, caller.accountId, role.attachedPolicyArns)];
  }
  return [];
}

/** The boundary's document (empty when its policy no longer exists), or undefined without a boundary. */
function permissionsBoundary(state: EmulatorState, caller: Caller): string[] | undefined {
  if (caller.kind !== 'session') return undefined;
  const role = state.accounts[caller.accountId]?.roles[caller.session.roleName.toLowerCase()];
  if (role?.permissionsBoundaryArn === undefined) return undefined;
  return attachedDocuments(state, caller.accountId, [role.permissionsBoundaryArn]);
}
