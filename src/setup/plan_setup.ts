import { oidcProviderArn, parseArn, type PolicyJson, type PolicyStatementJson } from '../policy/index.js';
import { awsCliCommand } from './aws_cli_command.js';
import { canonicalPolicy } from './canonical_policy.js';
import { documentDiff } from './document_diff.js';
import { mergeTrustStatement, ROLEBRIDGE_SID_PREFIX } from './merge_trust_statement.js';
import type { SetupCallInput, SetupChange } from './setup_change.js';

/** Name of the inline policy rolebridge owns on a role; it is replaced whole, never merged. */
export const PERMISSION_POLICY_NAME = 'RolebridgePermissions';

export interface DesiredSetup {
  accountId: string;
  issuerUrl: string;
  audience: string;
  /** For a new provider: the issuer host's certificate thumbprint (see issuer_thumbprint.ts), when known. */
  thumbprints?: string[];
  roleName: string;
  /** rolebridge's web-identity trust statement, with its `Rolebridge…` Sid. */
  trustStatement: PolicyStatementJson;
  /** Permissions from the chosen templates; they go on the role the workload ends up in. */
  permissionPolicy?: PolicyJson;
  /** Managed policies (AWS managed or the account's own) attached to that same role. */
  managedPolicyArns?: string[];
  /** A second hop: the first role assumes this one (with ExternalId) and the workload ends there. */
  chain?: { roleArn: string; externalId?: string };
}

export interface RoleState {
  name: string;
  arn: string;
  trustPolicy: PolicyJson;
  /** Inline policies by name. */
  inlinePolicies: Record<string, PolicyJson>;
  /** ARNs of attached managed policies; read only when the set-up attaches some. */
  attachedPolicyArns?: string[];
}

export interface AccountState {
  provider?: { arn: string; clientIds: string[] };
  role?: RoleState;
  /** Only read when the chained role is in the caller's account. */
  chainRole?: RoleState;
}

/**
 * Desired versus current state → the ordered IAM changes (pure). Every step is present, with status
 * `planned` when it must be made and `unchanged` when the account already has it, so a second run
 * shows the same steps, all unchanged. Order matters: the provider before the role that trusts it,
 * the role before a policy on it, the first role before a chained role that names it as principal.
 */
export function planSetup(desired: DesiredSetup, state: AccountState): SetupChange[] {
  const changes: SetupChange[] = [providerChange(desired, state), roleTrustChange(desired, state.role)];
  const roleArn = state.role?.arn ?? `arn:aws:iam::${desired.accountId}:role/${desired.roleName}`;
  if (desired.chain === undefined) {
    if (desired.permissionPolicy) changes.push(permissionChange(desired.roleName, roleArn, state.role, desired.permissionPolicy));
    changes.push(...attachChanges(desired.roleName, roleArn, state.role, desired.managedPolicyArns));
    return changes;
  }
  changes.push(permissionChange(desired.roleName, roleArn, state.role, chainAssumePolicy(desired.chain.roleArn)));
  if (isInAccount(desired.chain.roleArn, desired.accountId)) {
    const chainRole = state.chainRole;
    const chainName = roleNameOf(desired.chain.roleArn);
    changes.push(roleTrustChange({ ...desired, roleName: chainName, trustStatement: chainTrustStatement(roleArn, desired.chain.externalId) }, chainRole));
    if (desired.permissionPolicy) changes.push(permissionChange(chainName, desired.chain.roleArn, chainRole, desired.permissionPolicy));
    changes.push(...attachChanges(chainName, desired.chain.roleArn, chainRole, desired.managedPolicyArns));
  }
  return changes;
}

/** One AttachRolePolicy per managed policy; already attached ones are `unchanged`, others stay attached. */
function attachChanges(roleName: string, roleArn: string, role: RoleState | undefined, policyArns: readonly string[] | undefined): SetupChange[] {
  return (policyArns ?? []).map((policyArn) => {
    const call: SetupCallInput = { operation: 'AttachRolePolicy', input: { RoleName: roleName, PolicyArn: policyArn } };
    const attached = role?.attachedPolicyArns?.includes(policyArn) ?? false;
    const summary = attached ? `Managed policy ${policyArn} is already attached to ${roleName}` : `Attach the managed policy ${policyArn} to ${roleName}`;
    return { ...change(roleArn, summary, call), status: attached ? 'unchanged' : 'planned' };
  });
}

/** Whether the plan has anything to do. */
export function hasPlannedChanges(changes: readonly SetupChange[]): boolean {
  return changes.some((change) => change.status === 'planned');
}

function providerChange(desired: DesiredSetup, state: AccountState): SetupChange {
  const arn = oidcProviderArn(desired.accountId, desired.issuerUrl);
  if (state.provider === undefined) {
    return change(arn, `Create the OIDC identity provider for ${desired.issuerUrl} (client id ${desired.audience})`, {
      operation: 'CreateOpenIDConnectProvider',
      input: {
        Url: desired.issuerUrl,
        ClientIDList: [desired.audience],
        ...(desired.thumbprints === undefined ? {} : { ThumbprintList: desired.thumbprints }),
      },
    });
  }
  const call: SetupCallInput = {
    operation: 'AddClientIDToOpenIDConnectProvider',
    input: { OpenIDConnectProviderArn: state.provider.arn, ClientID: desired.audience },
  };
  if (state.provider.clientIds.includes(desired.audience)) {
    return { ...change(state.provider.arn, `OIDC identity provider ${state.provider.arn} already accepts client id ${desired.audience}`, call), status: 'unchanged' };
  }
  return change(state.provider.arn, `Add client id ${desired.audience} to the existing OIDC identity provider (its other client ids stay)`, call);
}

function roleTrustChange(desired: Pick<DesiredSetup, 'accountId' | 'roleName' | 'trustStatement'>, role: RoleState | undefined): SetupChange {
  if (role === undefined) {
    const merged = mergeTrustStatement(undefined, desired.trustStatement);
    const arn = `arn:aws:iam::${desired.accountId}:role/${desired.roleName}`;
    return {
      ...change(arn, `Create the IAM role ${desired.roleName} trusting only rolebridge's statement ${desired.trustStatement.Sid ?? ''}`, {
        operation: 'CreateRole',
        input: { RoleName: desired.roleName, AssumeRolePolicyDocument: JSON.stringify(merged.document), Description: 'Assumed through rolebridge (OIDC web identity).' },
      }),
      document: { after: merged.document, diff: documentDiff(undefined, merged.document) },
    };
  }
  const merged = mergeTrustStatement(role.trustPolicy, desired.trustStatement);
  const call: SetupCallInput = { operation: 'UpdateAssumeRolePolicy', input: { RoleName: role.name, PolicyDocument: JSON.stringify(merged.document) } };
  const summary =
    merged.outcome === 'unchanged'
      ? `Trust policy of ${role.name} already has rolebridge's statement`
      : merged.outcome === 'added'
        ? `Add rolebridge's statement ${desired.trustStatement.Sid ?? ''} to the trust policy of ${role.name} (existing statements stay)`
        : `Update rolebridge's own statement ${desired.trustStatement.Sid ?? ''} in the trust policy of ${role.name}`;
  return {
    ...change(role.arn, summary, call),
    status: merged.outcome === 'unchanged' ? 'unchanged' : 'planned',
    document: { before: role.trustPolicy, after: merged.document, diff: documentDiff(role.trustPolicy, merged.document) },
    warnings: merged.warnings,
  };
}

function permissionChange(roleName: string, roleArn: string, role: RoleState | undefined, policy: PolicyJson): SetupChange {
  const before = role?.inlinePolicies[PERMISSION_POLICY_NAME];
  const call: SetupCallInput = {
    operation: 'PutRolePolicy',
    input: { RoleName: roleName, PolicyName: PERMISSION_POLICY_NAME, PolicyDocument: JSON.stringify(policy) },
  };
  const same = before !== undefined && canonicalPolicy(before) === canonicalPolicy(policy);
  const summary = same
    ? `Inline policy ${PERMISSION_POLICY_NAME} of ${roleName} is up to date`
    : `${before === undefined ? 'Attach' : 'Replace'} the inline policy ${PERMISSION_POLICY_NAME} on ${roleName}`;
  return {
    ...change(`${roleArn}/policy/${PERMISSION_POLICY_NAME}`, summary, call),
    status: same ? 'unchanged' : 'planned',
    document: { ...(before === undefined ? {} : { before }), after: policy, diff: documentDiff(before, policy) },
  };
}

function change(target: string, summary: string, call: SetupCallInput): SetupChange {
  return { action: call.operation, target, status: 'planned', summary, call, cliCommand: awsCliCommand(call), warnings: [] };
}

/** The first role may assume the chained one; nothing else. */
function chainAssumePolicy(chainRoleArn: string): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: `${ROLEBRIDGE_SID_PREFIX}AssumeChainedRole`, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: chainRoleArn }],
  };
}

/** The chained role trusts exactly the first role, and only with the ExternalId when one is set. */
export function chainTrustStatement(firstRoleArn: string, externalId: string | undefined): PolicyStatementJson {
  return {
    Sid: `${ROLEBRIDGE_SID_PREFIX}ChainFrom${alphanumeric(roleNameOf(firstRoleArn))}`,
    Effect: 'Allow',
    Principal: { AWS: firstRoleArn },
    Action: 'sts:AssumeRole',
    ...(externalId === undefined ? {} : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
  };
}

function isInAccount(arn: string, accountId: string): boolean {
  return parseArn(arn)?.accountId === accountId;
}

export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** Sids are alphanumeric in IAM's grammar. */
export function alphanumeric(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
