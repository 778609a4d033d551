import { AwsError } from '../aws_error.js';
import { PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { type InstanceProfileRecord, keyedRecords } from '../emulator_state.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import type { XmlValue } from '../xml_response.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamChecker } from './iam_checker.js';
import { checkTagKeys, checkTags, mergeTags, withoutTags } from './iam_tags.js';
import { paginate } from './pagination.js';
import { existingRole, roleXml } from './role_actions.js';

/**
 * Instance profiles: enough for infrastructure code that reads them around a role
 * (ListInstanceProfilesForRole in Terraform's aws_iam_role) and for DeleteRole's conflict.
 * Texts recorded from AWS (LocalStack's test_iam_instance_profiles).
 */
const notFound = (name: string) => new AwsError('NoSuchEntity', 404, `Instance Profile ${name} cannot be found.`);

function profileName(context: ActionContext): string {
  const name = context.params.get('InstanceProfileName');
  iamChecker().string(name, { member: 'instanceProfileName', required: true, min: 1, max: 128, pattern: PATTERNS.roleName }).throwIfAny();
  return name!;
}

function existingProfile(context: ActionContext, action: string): InstanceProfileRecord {
  const name = profileName(context);
  const account = accountOf(context);
  const profile = account.instanceProfiles?.[name.toLowerCase()];
  context.authorize(action, profile?.arn ?? `arn:aws:iam::${account.accountId}:instance-profile/${name}`);
  if (profile === undefined) throw notFound(name);
  return profile;
}

function profileXml(context: ActionContext, profile: InstanceProfileRecord, withTags: boolean): XmlValue {
  const account = accountOf(context);
  return {
    Path: profile.path,
    InstanceProfileName: profile.name,
    InstanceProfileId: profile.instanceProfileId,
    Arn: profile.arn,
    CreateDate: new Date(profile.createDate),
    Roles: profile.roleNames.flatMap((name) => {
      const role = account.roles[name];
      return role === undefined ? [] : [roleXml(role, 'create')];
    }),
    Tags: withTags ? profile.tags : undefined,
  };
}

const createInstanceProfile: ActionHandler = (context) => {
  const name = profileName(context);
  const path = context.params.get('Path') ?? '/';
  iamChecker().string(path, { member: 'path', min: 1, max: 512, pattern: PATTERNS.path }).throwIfAny();
  const account = accountOf(context);
  const arn = `arn:aws:iam::${account.accountId}:instance-profile${path}${name}`;
  context.authorize('iam:CreateInstanceProfile', arn);
  const tags = tagsParam(context);
  checkTags(tags);
  account.instanceProfiles ??= keyedRecords();
  if (account.instanceProfiles[name.toLowerCase()] !== undefined) {
    throw new AwsError('EntityAlreadyExists', 409, `Instance Profile ${name} already exists.`);
  }
  const profile: InstanceProfileRecord = {
    name,
    path,
    instanceProfileId: generateIdentifiers.instanceProfileId(),
    arn,
    roleNames: [],
    tags,
    createDate: new Date(context.now).toISOString(),
  };
  account.instanceProfiles[name.toLowerCase()] = profile;
  context.markChanged();
  return { InstanceProfile: profileXml(context, profile, tags.length > 0) };
};

const getInstanceProfile: ActionHandler = (context) => ({
  InstanceProfile: profileXml(context, existingProfile(context, 'iam:GetInstanceProfile'), true),
});

const deleteInstanceProfile: ActionHandler = (context) => {
  const profile = existingProfile(context, 'iam:DeleteInstanceProfile');
  if (profile.roleNames.length > 0) {
    throw new AwsError('DeleteConflict', 409, 'Cannot delete entity, must remove roles from instance profile first.');
  }
  delete accountOf(context).instanceProfiles?.[profile.name.toLowerCase()];
  context.markChanged();
  return undefined;
};

const addRoleToInstanceProfile: ActionHandler = (context) => {
  const profile = existingProfile(context, 'iam:AddRoleToInstanceProfile');
  const role = existingRole(context, 'iam:PassRole');
  if (profile.roleNames.includes(role.name.toLowerCase())) return undefined;
  if (profile.roleNames.length >= 1) {
    throw new AwsError('LimitExceeded', 409, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
  }
  profile.roleNames.push(role.name.toLowerCase());
  context.markChanged();
  return undefined;
};

const removeRoleFromInstanceProfile: ActionHandler = (context) => {
  const profile = existingProfile(context, 'iam:RemoveRoleFromInstanceProfile');
  const role = existingRole(context, 'iam:RemoveRoleFromInstanceProfile');
  if (!profile.roleNames.includes(role.name.toLowerCase())) {
    throw new AwsError('NoSuchEntity', 404, `Role ${role.name} in Instance Profile ${profile.name} cannot be found.`);
  }
  profile.roleNames = profile.roleNames.filter((name) => name !== role.name.toLowerCase());
  context.markChanged();
  return undefined;
};

const listInstanceProfilesForRole: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:ListInstanceProfilesForRole');
  const profiles = Object.values(accountOf(context).instanceProfiles ?? {})
    .filter((profile) => profile.roleNames.includes(role.name.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = paginate(context, profiles);
  return { InstanceProfiles: page.items.map((p) => profileXml(context, p, false)), IsTruncated: page.IsTruncated, Marker: page.Marker };
};

const listInstanceProfiles: ActionHandler = (context) => {
  const account = accountOf(context);
  const prefix = context.params.get('PathPrefix') ?? '/';
  context.authorize('iam:ListInstanceProfiles', `arn:aws:iam::${account.accountId}:instance-profile${prefix}`);
  const profiles = Object.values(account.instanceProfiles ?? {})
    .filter((profile) => profile.path.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = paginate(context, profiles);
  return { InstanceProfiles: page.items.map((p) => profileXml(context, p, false)), IsTruncated: page.IsTruncated, Marker: page.Marker };
};

const tagInstanceProfile: ActionHandler = (context) => {
  const tags = tagsParam(context);
  checkTags(tags);
  const profile = existingProfile(context, 'iam:TagInstanceProfile');
  profile.tags = mergeTags(profile.tags, tags);
  context.markChanged();
  return undefined;
};

const untagInstanceProfile: ActionHandler = (context) => {
  const keys = context.params.list('TagKeys');
  checkTagKeys(keys);
  const profile = existingProfile(context, 'iam:UntagInstanceProfile');
  profile.tags = withoutTags(profile.tags, keys);
  context.markChanged();
  return undefined;
};

const listInstanceProfileTags: ActionHandler = (context) => {
  const profile = existingProfile(context, 'iam:ListInstanceProfileTags');
  const page = paginate(context, profile.tags);
  return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

export const instanceProfileActions: Record<string, ActionHandler> = {
  CreateInstanceProfile: createInstanceProfile,
  GetInstanceProfile: getInstanceProfile,
  DeleteInstanceProfile: deleteInstanceProfile,
  AddRoleToInstanceProfile: addRoleToInstanceProfile,
  RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
  ListInstanceProfilesForRole: listInstanceProfilesForRole,
  ListInstanceProfiles: listInstanceProfiles,
  TagInstanceProfile: tagInstanceProfile,
  UntagInstanceProfile: untagInstanceProfile,
  ListInstanceProfileTags: listInstanceProfileTags,
};
