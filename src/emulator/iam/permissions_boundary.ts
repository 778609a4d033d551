import { AwsError } from '../aws_error.js';
import type { ActionHandler } from '../emulator_service.js';
import type { AccountRecord } from '../emulator_state.js';
import { accountOf } from './account_of.js';
import { findManagedPolicy, isPolicyArn } from './managed_policies.js';
import { existingRole } from './role_actions.js';

/**
 * A permissions boundary must name an existing managed policy (recorded texts, LocalStack's
 * test_iam_roles): anything that is not a policy ARN is `InvalidInput` "ARN … is not valid.",
 * a policy that does not exist `NoSuchEntity` "Scope ARN: … does not exist or is not attachable.".
 */
export function checkPermissionsBoundary(account: AccountRecord, arn: string): void {
  if (!isPolicyArn(arn)) throw new AwsError('InvalidInput', 400, `ARN ${arn} is not valid.`);
  if (findManagedPolicy(account, arn) === undefined) {
    throw new AwsError('NoSuchEntity', 404, `Scope ARN: ${arn} does not exist or is not attachable.`);
  }
}

const putRolePermissionsBoundary: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:PutRolePermissionsBoundary');
  const arn = context.params.get('PermissionsBoundary') ?? '';
  checkPermissionsBoundary(accountOf(context), arn);
  role.permissionsBoundaryArn = arn;
  context.markChanged();
  return undefined;
};

const deleteRolePermissionsBoundary: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:DeleteRolePermissionsBoundary');
  delete role.permissionsBoundaryArn;
  context.markChanged();
  return undefined;
};

export const permissionsBoundaryActions: Record<string, ActionHandler> = {
  PutRolePermissionsBoundary: putRolePermissionsBoundary,
  DeleteRolePermissionsBoundary: deleteRolePermissionsBoundary,
};
