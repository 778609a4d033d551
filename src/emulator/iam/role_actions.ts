import { ConstraintChecker, PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { keyedRecords, type RoleRecord } from '../emulator_state.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import type { XmlValue } from '../xml_response.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamErrors } from './iam_errors.js';
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
  new ConstraintChecker().string(name, { member: 'roleName', required: true, min: 1, max: 64, pattern: PATTERNS.roleName }).throwIfAny();
  return name!;
}

/** Finds the role after checking the caller may act on it (as IAM, AccessDenied comes before NoSuchEntity). */
function existingRole(context: ActionContext, action: string): RoleRecord {
  const name = roleName(context);
  const account = accountOf(context);
  const role = account.roles[name.toLowerCase()];
  context.authorize(action, role?.arn ?? roleArn(account.accountId, '/', name));
  if (role === undefined) throw iamErrors.noSuchRole(name);
  return role;
}

function maxSessionDuration(context: ActionContext): number | undefined {
  const raw = context.params.get('MaxSessionDuration');
  new ConstraintChecker().number(raw, { member: 'maxSessionDuration', min: 3600, max: 43200 }).throwIfAny();
  return raw === undefined ? undefined : Number(raw);
}

function roleXml(role: RoleRecord, withTags: boolean): XmlValue {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodedDocument(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: withTags && role.tags.length > 0 ? role.tags : undefined,
  };
}

const createRole: ActionHandler = (context) => {
  const name = roleName(context);
  const path = context.params.get('Path') ?? '/';
  const description = context.params.get('Description');
  const document = context.params.get('AssumeRolePolicyDocument');
  new ConstraintChecker()
    .string(path, { member: 'path', min: 1, max: 512, pattern: PATTERNS.path })
    .string(description, { member: 'description', max: 1000 })
    .throwIfAny();
  const account = accountOf(context);
  const arn = roleArn(account.accountId, path, name);
  context.authorize('iam:CreateRole', arn);
  const duration = maxSessionDuration(context) ?? 3600;
  checkTrustPolicy(document, context.state);
  const tags = tagsParam(context);
  if (tags.length > 50) throw iamErrors.quota('TagsPerRole', 50);
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
  };
  account.roles[name.toLowerCase()] = role;
  context.markChanged();
  return { Role: roleXml(role, true) };
};

const getRole: ActionHandler = (context) => ({ Role: roleXml(existingRole(context, 'iam:GetRole'), true) });

const listRoles: ActionHandler = (context) => {
  const account = accountOf(context);
  const prefix = context.params.get('PathPrefix') ?? '/';
  context.authorize('iam:ListRoles', `arn:aws:iam::${account.accountId}:role${prefix}`);
  const roles = Object.values(account.roles)
    .filter((role) => role.path.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { Roles: roles.map((role) => roleXml(role, false)), IsTruncated: false };
};

const deleteRole: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:DeleteRole');
  if (Object.keys(role.inlinePolicies).length > 0) throw iamErrors.deleteConflict('policies');
  delete accountOf(context).roles[role.name.toLowerCase()];
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

const updateRole: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:UpdateRole');
  const description = context.params.get('Description');
  new ConstraintChecker().string(description, { member: 'description', max: 1000 }).throwIfAny();
  const duration = maxSessionDuration(context);
  if (duration !== undefined) role.maxSessionDuration = duration;
  if (description !== undefined) role.description = description;
  context.markChanged();
  return {};
};

function policyName(context: ActionContext): string {
  const name = context.params.get('PolicyName');
  new ConstraintChecker().string(name, { member: 'policyName', required: true, min: 1, max: 128, pattern: PATTERNS.policyName }).throwIfAny();
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
  return { PolicyNames: Object.keys(role.inlinePolicies).sort(), IsTruncated: false };
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
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
};
