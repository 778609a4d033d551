import { GetPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { InvalidInputError } from '../core/index.js';
import { awsErrorCode, awsErrorMessage, isAccessDenied } from '../aws/index.js';
import { deniedNeed } from './denied_need.js';
import { AwsSetupCallError, type PermissionNeed } from './setup_errors.js';

/**
 * `--managed-policy` values: an ARN as is, or the name of an AWS managed policy (`AmazonS3ReadOnlyAccess`,
 * `job-function/ViewOnlyAccess` for one under a path) → `arn:aws:iam::aws:policy/<name>`.
 */
export function managedPolicyArn(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) {
    if (!/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/.test(nameOrArn)) {
      throw new InvalidInputError('invalid_managed_policy', `${nameOrArn} is not an IAM managed policy ARN (arn:aws:iam::aws:policy/<name>).`);
    }
    return nameOrArn;
  }
  if (!/^([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/.test(nameOrArn)) {
    throw new InvalidInputError('invalid_managed_policy', `${nameOrArn} is not an AWS managed policy name (e.g. AmazonS3ReadOnlyAccess).`);
  }
  return `arn:aws:iam::aws:policy/${nameOrArn}`;
}

/**
 * Checks before any change that each policy exists (GetPolicy): an unknown one is bad input, named with
 * what was asked; a denied read is collected like the other reads, so one run names every missing permission.
 */
export async function checkManagedPoliciesExist(iam: IAMClient, arns: readonly string[], denied: PermissionNeed[]): Promise<void> {
  for (const arn of arns) {
    try {
      await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'NoSuchEntity') {
        throw new InvalidInputError('unknown_managed_policy', `There is no managed policy ${arn} in this account or among AWS's.`, { policyArn: arn });
      }
      if (isAccessDenied(error)) {
        denied.push(deniedNeed(error, { action: 'iam:GetPolicy', resource: arn }));
        continue;
      }
      throw new AwsSetupCallError('GetPolicy', code ?? 'Error', awsErrorMessage(error));
    }
  }
}
