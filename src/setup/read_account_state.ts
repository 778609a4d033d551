import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { oidcProviderArn, type PolicyJson } from '../policy/index.js';
import { awsErrorCode, awsErrorMessage, isAccessDenied } from '../aws/index.js';
import { deniedNeed } from './denied_need.js';
import { parseTrustPolicy } from './merge_trust_statement.js';
import { PERMISSION_POLICY_NAME, roleNameOf, type AccountState, type RoleState } from './plan_setup.js';
import { AwsSetupCallError, type PermissionNeed } from './setup_errors.js';

export interface AccountStateReading {
  state: AccountState;
  /** Reads the caller may not make; the matching part of `state` is unknown (left absent). */
  denied: PermissionNeed[];
}

export interface ReadAccountStateInput {
  accountId: string;
  issuerUrl: string;
  roleName: string;
  /** Read too when it is in this account. */
  chainRoleArn?: string;
  /** Whether to read the roles' attached managed policies (only when the set-up attaches some). */
  readAttachedPolicies?: boolean;
}

/**
 * What the account holds that set-up cares about, with read-only calls: the issuer's OIDC provider
 * (and its client ids), the role (its trust policy and rolebridge's inline policy) and, for a chain in
 * the same account, the chained role. A denied read is collected instead of thrown, so one run can name
 * every missing permission.
 */
export async function readAccountState(iam: IAMClient, input: ReadAccountStateInput): Promise<AccountStateReading> {
  const denied: PermissionNeed[] = [];
  const state: AccountState = {};
  const providerArn = oidcProviderArn(input.accountId, input.issuerUrl);
  const provider = await readOrDenied(denied, { action: 'iam:GetOpenIDConnectProvider', resource: providerArn }, async () => {
    const answer = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    return { arn: providerArn, clientIds: answer.ClientIDList ?? [] };
  });
  if (provider) state.provider = provider;
  const attached = input.readAttachedPolicies ?? false;
  const role = await readRole(iam, input.accountId, input.roleName, denied, attached);
  if (role) state.role = role;
  if (input.chainRoleArn !== undefined && input.chainRoleArn.split(':')[4] === input.accountId) {
    const chainRole = await readRole(iam, input.accountId, roleNameOf(input.chainRoleArn), denied, attached);
    if (chainRole) state.chainRole = chainRole;
  }
  return { state, denied };
}

async function readRole(
  iam: IAMClient,
  accountId: string,
  roleName: string,
  denied: PermissionNeed[],
  readAttached: boolean,
): Promise<RoleState | undefined> {
  const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
  const role = await readOrDenied(denied, { action: 'iam:GetRole', resource: roleArn }, async (): Promise<RoleState> => {
    const answer = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const document = answer.Role?.AssumeRolePolicyDocument ?? '';
    return {
      name: answer.Role?.RoleName ?? roleName,
      arn: answer.Role?.Arn ?? roleArn,
      // IAM returns documents URL-encoded; SDK v3 does not decode them.
      trustPolicy: parseTrustPolicy(decodeURIComponent(document), roleName),
      inlinePolicies: {} as Record<string, PolicyJson>,
    };
  });
  if (role === undefined) return undefined;
  const permissions = await readOrDenied(denied, { action: 'iam:GetRolePolicy', resource: role.arn }, async () => {
    const answer = await iam.send(new GetRolePolicyCommand({ RoleName: role.name, PolicyName: PERMISSION_POLICY_NAME }));
    return JSON.parse(decodeURIComponent(answer.PolicyDocument ?? '{}')) as PolicyJson;
  });
  if (permissions) role.inlinePolicies[PERMISSION_POLICY_NAME] = permissions;
  if (readAttached) {
    const attached = await readOrDenied(denied, { action: 'iam:ListAttachedRolePolicies', resource: role.arn }, async () => {
      const arns: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name, ...(marker === undefined ? {} : { Marker: marker }) }));
        arns.push(...(page.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? ''));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker !== undefined);
      return arns;
    });
    if (attached) role.attachedPolicyArns = attached;
  }
  return role;
}

/** Runs a read: NoSuchEntity → undefined (absent), AccessDenied → recorded and undefined, others thrown. */
async function readOrDenied<T>(denied: PermissionNeed[], need: PermissionNeed, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === 'NoSuchEntity') return undefined;
    if (isAccessDenied(error)) {
      denied.push(deniedNeed(error, need));
      return undefined;
    }
    throw new AwsSetupCallError(need.action.replace(/^iam:/, ''), code ?? 'Error', awsErrorMessage(error));
  }
}
