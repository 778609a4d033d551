import { AwsError } from '../aws_error.js';
import { PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { keyedRecords, type RoleRecord } from '../emulator_state.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import type { XmlValue } from '../xml_response.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamChecker } from './iam_checker.js';
import { iamErrors } from './iam_errors.js';
import { checkTags } from './iam_tags.js';
import { paginate } from './pagination.js';
import { checkPermissionsBoundary } from './permissions_boundary.js';
import { checkInlinePolicySize, checkPermissionPolicy, checkTrustPolicy } from './policy_document_checks.js';

/** IAM returns policy documents URL-encoded (the AWS CLI decodes them; SDK v3 callers must). */
export function encodedDocument(document: string): string {
  return encodeURIComponent(document);
}

export function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

function roleName(context: ActionContext): string {
  const name = context.params.get('RoleName');
  iamChecker().string(name, { member: 'roleName', required: true, min: 1, max: 64, pattern: PATTERNS.roleName }).throwIfAny();
  return name!;
}

/** Finds the role after checking the caller may act on it (as IAM, AccessDenied comes before NoSuchEntity). */
export function existingRole(context: ActionContext, action: string): RoleRecord {
  const name = roleName(context);
  const account = accountOf(context);
  const role = account.roles[name.toLowerCase()];
  context.authorize(action, role?.arn ?? roleArn(account.accountId, '/', name));
  if (role === undefined) throw iamErrors.noSuchRole(name);
  return role;
}

function maxSessionDuration(context: ActionContext): number | undefined {
  const raw = context.params.get('MaxSessionDuration');
  iamChecker().number(raw, { member: 'maxSessionDuration', min: 3600, max: 43200 }).throwIfAny();
  return raw === undefined ? undefined : Number(raw);
}

/**
 * The `Role` element in the shape each call returns (recorded from AWS, LocalStack's test_iam_roles):
 * - `create` (CreateRole): no Description, MaxSessionDuration or RoleLastUsed; Tags when there are some;
 * - `described` (UpdateRoleDescription): as `create`, plus Description;
 * - `get` (GetRole): everything, `RoleLastUsed` always (`{}` before the first use);
 * - `list` (ListRoles): Description and MaxSessionDuration, never Tags, RoleLastUsed or PermissionsBoundary.
 */
export function roleXml(role: RoleRecord, form: 'create' | 'described' | 'get' | 'list'): XmlValue {
  const full = form === 'get' || form === 'list';
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodedDocument(role.assumeRolePolicyDocument),
    Description: form === 'create' ? undefined : role.description,
    MaxSessionDuration: full ? role.maxSessionDuration : undefined,
    PermissionsBoundary:
      form === 'list' || role.permissionsBoundaryArn === undefined
        ? undefined
        : { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundaryArn },
    Tags: form !== 'list' && role.tags.length > 0 ? role.tags : undefined,
    RoleLastUsed:
      form === 'get'
        ? role.lastUsed === undefined
          ? {}
          : { LastUsedDate: new Date(role.lastUsed.date), Region: role.lastUsed.region }
        : undefined,
  };
}

const createRole: ActionHandler = (context) => {
  const name = roleName(context);
  const path = context.params.get('Path') ?? '/';
  const description = context.params.get('Description');
  const document = context.params.get('AssumeRolePolicyDocument');
  iamChecker()
    .string(path, { member: 'path', min: 1, max: 512, pattern: PATTERNS.path })
    .string(description, { member: 'description', max: 1000 })
    .throwIfAny();
  const account = accountOf(context);
  const arn = roleArn(account.accountId, path, name);
  context.authorize('iam:CreateRole', arn);
  const duration = maxSessionDuration(context) ?? 3600;
  const tags = tagsParam(context);
  checkTags(tags);
  checkTrustPolicy(document, context.state);
  const boundary = context.params.get('PermissionsBoundary');
  if (boundary !== undefined) checkPermissionsBoundary(account, boundary);
  if (account.roles[name.toLowerCase()] !== undefined) throw iamErrors.roleExists(name);
  const role: RoleRecord = {
    name,
    path,
    roleId: generateIdentifiers.roleId(),
    arn,
    assumeRolePolicyDocument: document!,
    ...(description === undefined ? {} : { description }),
    maxSessionDuration: duration,
    tags,
    createDate: new Date(context.now).toISOString(),
    inlinePolicies: keyedRecords(),
    attachedPolicyArns: [],
    ...(boundary === undefined ? {} : { permissionsBoundaryArn: boundary }),
  };
  account.roles[name.toLowerCase()] = role;
  context.markChanged();
  return { Role: roleXml(role, 'create') };
};

const getRole: ActionHandler = (context) => ({ Role: roleXml(existingRole(context, 'iam:GetRole'), 'get') });

const listRoles: ActionHandler = (context) => {
  const account = accountOf(context);
  const prefix = context.params.get('PathPrefix') ?? '/';
  context.authorize('iam:ListRoles', `arn:aws:iam::${account.accountId}:role${prefix}`);
  const roles = Object.values(account.roles)
    .filter((role) => role.path.startsWith(prefix))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  const page = paginate(context, roles);
  return { Roles: page.items.map((role) => roleXml(role, 'list')), IsTruncated: page.IsTruncated, Marker: page.Marker };
};

/** Recorded DeleteConflict texts; the order of the checks when several apply is the emulator's. */
const deleteRole: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:DeleteRole');
  const account = accountOf(context);
  const inProfile = Object.values(account.instanceProfiles ?? {}).some((profile) => profile.roleNames.includes(role.name.toLowerCase()));
  if (inProfile) throw new AwsError('DeleteConflict', 409, 'Cannot delete entity, must remove roles from instance profile first.');
  if ((role.attachedPolicyArns ?? []).length > 0) throw new AwsError('DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
  if (Object.keys(role.inlinePolicies).length > 0) throw iamErrors.deleteConflict('policies');
  delete account.roles[role.name.toLowerCase()];
  context.markChanged();
  return undefined;
};

const updateAssumeRolePolicy: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:UpdateAssumeRolePolicy');
  const document = context.params.get('PolicyDocument');
  checkTrustPolicy(document, context.state);
  role.assumeRolePolicyDocument = document!;
  context.markChanged();
  return undefined;
};

/** UpdateRole changes only what is passed (recorded: no parameters leaves Description and duration as they were). */
const updateRole: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:UpdateRole');
  const description = context.params.get('Description');
  iamChecker().string(description, { member: 'description', max: 1000 }).throwIfAny();
  const duration = maxSessionDuration(context);
  if (duration !== undefined) role.maxSessionDuration = duration;
  if (description !== undefined) role.description = description;
  context.markChanged();
  return {};
};

const updateRoleDescription: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:UpdateRoleDescription');
  const description = context.params.get('Description');
  iamChecker().string(description, { member: 'description', required: true, max: 1000 }).throwIfAny();
  role.description = description!;
  context.markChanged();
  return { Role: roleXml(role, 'described') };
};

function policyName(context: ActionContext): string {
  const name = context.params.get('PolicyName');
  iamChecker().string(name, { member: 'policyName', required: true, min: 1, max: 128, pattern: PATTERNS.policyName }).throwIfAny();
  return name!;
}

const putRolePolicy: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:PutRolePolicy');
  const name = policyName(context);
  const document = context.params.get('PolicyDocument');
  checkPermissionPolicy(document);
  checkInlinePolicySize('role', [...Object.entries(role.inlinePolicies).filter(([n]) => n !== name).map(([, d]) => d), document!]);
  role.inlinePolicies[name] = document!;
  context.markChanged();
  return undefined;
};

const getRolePolicy: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:GetRolePolicy');
  const name = policyName(context);
  const document = role.inlinePolicies[name];
  if (document === undefined) throw iamErrors.noSuchRolePolicy(name);
  return { RoleName: role.name, PolicyName: name, PolicyDocument: encodedDocument(document) };
};

const listRolePolicies: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:ListRolePolicies');
  const page = paginate(context, Object.keys(role.inlinePolicies).sort());
  return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

const deleteRolePolicy: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:DeleteRolePolicy');
  const name = policyName(context);
  if (role.inlinePolicies[name] === undefined) throw iamErrors.noSuchRolePolicy(name);
  delete role.inlinePolicies[name];
  context.markChanged();
  return undefined;
};

export const roleActions: Record<string, ActionHandler> = {
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  DeleteRole: deleteRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  UpdateRole: updateRole,
  UpdateRoleDescription: updateRoleDescription,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
};
