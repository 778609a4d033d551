import { GetRoleCommand, SimulatePrincipalPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { awsErrorCode, awsErrorMessage } from '../aws/index.js';
import type { SetupChange } from './setup_change.js';
import type { PermissionNeed } from './setup_errors.js';

export interface CallerIdentity {
  account: string;
  arn: string;
}

export interface PermissionCheck {
  /** Needs IAM said no to. */
  missing: PermissionNeed[];
  /** False when the check itself was impossible (then `note` says why and changes stop at the first denial). */
  checked: boolean;
  note?: string;
}

/** The permission each planned change needs, on the resource it acts on. */
export function permissionNeeds(changes: readonly SetupChange[]): PermissionNeed[] {
  return changes
    .filter((change) => change.status === 'planned')
    .map((change) => ({ action: `iam:${change.action}`, resource: change.target.replace(/\/policy\/[^/]+$/, '') }));
}

/**
 * Asks IAM, before changing anything, whether the caller may make each change: the AWS way,
 * `iam:SimulatePrincipalPolicy` on the caller's user or role. The account root may do everything.
 * When the simulation itself is denied the check is reported as not done, never as passed.
 */
export async function checkPermissions(iam: IAMClient, caller: CallerIdentity, needs: readonly PermissionNeed[]): Promise<PermissionCheck> {
  if (needs.length === 0 || /^arn:aws[\w-]*:iam::\d{12}:root$/.test(caller.arn)) return { missing: [], checked: true };
  const source = await simulationSource(iam, caller.arn);
  const missing: PermissionNeed[] = [];
  try {
    for (const resource of [...new Set(needs.map((need) => need.resource))]) {
      const actions = needs.filter((need) => need.resource === resource).map((need) => need.action);
      const answer = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: source, ActionNames: actions, ResourceArns: [resource] }));
      for (const result of answer.EvaluationResults ?? []) {
        if (result.EvalDecision !== 'allowed') missing.push({ action: result.EvalActionName ?? '', resource });
      }
    }
  } catch (error) {
    return { missing: [], checked: false, note: `could not check permissions up front (${awsErrorCode(error) ?? 'Error'}: ${awsErrorMessage(error)})` };
  }
  return { missing, checked: true };
}

/**
 * The principal whose policies decide: a user as is; for an assumed-role session, its role (the
 * session ARN does not say the role's path, GetRole does when allowed).
 */
async function simulationSource(iam: IAMClient, callerArn: string): Promise<string> {
  const session = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(callerArn);
  if (session === null) return callerArn;
  const [, partition, account, roleName] = session;
  try {
    const answer = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    if (answer.Role?.Arn) return answer.Role.Arn;
  } catch {
    // Fall back to the path-less ARN; a wrong guess makes the simulation fail, which is reported.
  }
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}
