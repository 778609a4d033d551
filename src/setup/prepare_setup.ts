import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { InvalidInputError } from '../core/index.js';
import type { PermissionParameters, PolicyStatementJson } from '../policy/index.js';
import { awsErrorCode, awsErrorMessage } from '../aws/index.js';
import type { AwsSetupClients } from './aws_setup_clients.js';
import { issuerThumbprint } from './issuer_thumbprint.js';
import { checkManagedPoliciesExist, managedPolicyArn } from './managed_policy_arns.js';
import { checkPermissions, permissionNeeds, type CallerIdentity, type PermissionCheck } from './check_permissions.js';
import { permissionPolicyForTemplates } from './permission_policy_for_templates.js';
import { planSetup, type DesiredSetup } from './plan_setup.js';
import { readAccountState } from './read_account_state.js';
import type { RolebridgeApiClient } from './rolebridge_api_client.js';
import type { SetupChange } from './setup_change.js';
import { MissingAwsPermissionsError } from './setup_errors.js';
import { formatSetupScope, type SetupScope } from '../claims/index.js';

export interface SetupRequest {
  tenant: string;
  tokenConfig: string;
  scope: SetupScope;
  roleName: string;
  /** Permission template names (athena, s3-export, …). */
  permissions: readonly string[];
  /** Template parameters (bucket, resultsBucket, dbResourceId, …); account and region are filled in. */
  parameters: PermissionParameters;
  /** Managed policies to attach: AWS managed names (`AmazonS3ReadOnlyAccess`) or policy ARNs. */
  managedPolicies?: readonly string[];
  chain?: { roleArn: string; externalId?: string };
  region: string;
}

export interface PreparedSetup {
  caller: CallerIdentity;
  issuerUrl: string;
  audience: string;
  desired: DesiredSetup;
  changes: SetupChange[];
  permissionCheck: PermissionCheck;
}

/**
 * Everything before the first change: who we run as, what rolebridge wants (trust statement from the
 * server's trust-policy endpoint, permissions from the templates), what the account holds, the plan, and
 * whether the caller may make it. Throws MissingAwsPermissionsError naming every missing action.
 */
export async function prepareSetup(api: RolebridgeApiClient, aws: AwsSetupClients, request: SetupRequest): Promise<PreparedSetup> {
  const caller = await callerIdentity(aws);
  const tenant = await api.getTenant(request.tenant);
  const tokenConfig = await api.getTokenConfig(request.tenant, request.tokenConfig);
  const trust = await api.getTrustPolicy(request.tenant, { tokenConfig: request.tokenConfig, scope: formatSetupScope(request.scope), accountId: caller.account });
  const permissionPolicy = permissionPolicyForTemplates(request.permissions, { region: request.region, accountId: caller.account, ...request.parameters });
  const managedPolicyArns = [...new Set((request.managedPolicies ?? []).map(managedPolicyArn))];
  const desired: DesiredSetup = {
    accountId: caller.account,
    issuerUrl: tenant.issuer,
    audience: tokenConfig.audience,
    roleName: request.roleName,
    trustStatement: trust.policy.Statement[0] as unknown as PolicyStatementJson,
    ...(permissionPolicy === undefined ? {} : { permissionPolicy }),
    ...(managedPolicyArns.length === 0 ? {} : { managedPolicyArns }),
    ...(request.chain === undefined ? {} : { chain: request.chain }),
  };
  const reading = await readAccountState(aws.iam, {
    accountId: caller.account,
    issuerUrl: tenant.issuer,
    roleName: request.roleName,
    ...(request.chain === undefined ? {} : { chainRoleArn: request.chain.roleArn }),
    readAttachedPolicies: managedPolicyArns.length > 0,
  });
  await checkManagedPoliciesExist(aws.iam, managedPolicyArns, reading.denied);
  if (reading.state.provider === undefined) {
    const thumbprint = await issuerThumbprint(tenant.issuer);
    if (thumbprint !== undefined) desired.thumbprints = [thumbprint];
  }
  // With reads denied the state is unknown: plan as for an empty account, which needs the most.
  const changes = planSetup(desired, reading.denied.length > 0 ? {} : reading.state);
  const needs = permissionNeeds(changes);
  const permissionCheck = await checkPermissions(aws.iam, caller, needs);
  if (reading.denied.length > 0 || permissionCheck.missing.length > 0) {
    const missing = [...reading.denied, ...permissionCheck.missing];
    const unverified = permissionCheck.checked ? [] : needs;
    throw new MissingAwsPermissionsError(caller.arn, missing, unverified);
  }
  return { caller, issuerUrl: tenant.issuer, audience: tokenConfig.audience, desired, changes, permissionCheck };
}

async function callerIdentity(aws: AwsSetupClients): Promise<CallerIdentity> {
  try {
    const answer = await aws.sts.send(new GetCallerIdentityCommand({}));
    return { account: answer.Account ?? '', arn: answer.Arn ?? '' };
  } catch (error) {
    throw new InvalidInputError(
      'aws_credentials_unusable',
      `Cannot tell which AWS identity to use (${awsErrorCode(error) ?? 'Error'}: ${awsErrorMessage(error)}). ` +
        'Set AWS credentials the usual way (environment, --profile, SSO) and try again.',
    );
  }
}
