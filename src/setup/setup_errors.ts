import { RolebridgeError } from '../core/index.js';

export interface PermissionNeed {
  /** `iam:CreateRole` */
  action: string;
  resource: string;
}

/**
 * The identity set-up runs as may not make the changes. Names every missing `iam:` action so the user
 * (or their admin) can grant exactly those; `unverified` lists what could not be checked either way.
 */
export class MissingAwsPermissionsError extends RolebridgeError {
  readonly missing: readonly PermissionNeed[];
  readonly unverified: readonly PermissionNeed[];

  constructor(principalArn: string, missing: readonly PermissionNeed[], unverified: readonly PermissionNeed[] = []) {
    const actions = [...new Set(missing.map((need) => need.action))];
    const unchecked = [...new Set(unverified.map((need) => need.action))].filter((action) => !actions.includes(action));
    super(
      'missing_aws_permissions',
      `${principalArn} may not make the changes set-up needs. Missing IAM permissions: ${actions.join(', ')}.` +
        (unchecked.length > 0 ? ` Could not check (also needed): ${unchecked.join(', ')}.` : '') +
        ' Grant them (see docs/connect-your-aws-account.md) or run with --profile for an identity that has them.',
      { status: 403, details: { principalArn, missing: [...missing], unverified: [...unverified] } },
    );
    this.missing = missing;
    this.unverified = unverified;
  }
}

/** An AWS call failed for a reason set-up cannot recover from; the message is AWS's own. */
export class AwsSetupCallError extends RolebridgeError {
  constructor(operation: string, awsCode: string, awsMessage: string) {
    super('aws_call_failed', `${operation} failed: ${awsCode}: ${awsMessage}`, { status: 502, details: { operation, awsCode } });
  }
}
