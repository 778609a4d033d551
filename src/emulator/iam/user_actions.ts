import { AwsError } from '../aws_error.js';
import { PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { keyedRecords, type UserRecord } from '../emulator_state.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import type { XmlValue } from '../xml_response.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamChecker } from './iam_checker.js';
import { iamErrors } from './iam_errors.js';
import { checkInlinePolicySize, checkPermissionPolicy } from './policy_document_checks.js';
import { checkTags } from './iam_tags.js';
import { findManagedPolicy, looksLikeArn } from './managed_policies.js';
import { paginate } from './pagination.js';
import { encodedDocument } from './role_actions.js';

/**
 * A minimal slice of IAM users: enough to have callers whose inline policies are enforced (the
 * guided set-up must meet "a caller without IAM permissions"), with long-term `AKIA…` keys.
 */
function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`;
}

function userNameParam(context: ActionContext, required: boolean): string | undefined {
  const name = context.params.get('UserName');
  iamChecker()
    .string(name, { member: 'userName', required, min: 1, max: 64, pattern: PATTERNS.userName })
    .throwIfAny();
  return name;
}

/** The named user, or (for GetUser/keys without a name) the calling user itself. */
function existingUser(context: ActionContext, action: string, required = true): UserRecord {
  const account = accountOf(context);
  let name = userNameParam(context, required);
  if (name === undefined) {
    if (context.caller?.kind !== 'user') {
      throw new AwsError('ValidationError', 400, 'Must specify userName when calling with non-User credentials');
    }
    name = context.caller.user.name;
  }
  const user = account.users[name.toLowerCase()];
  context.authorize(action, user?.arn ?? userArn(account.accountId, '/', name));
  if (user === undefined) throw iamErrors.noSuchUser(name);
  return user;
}

/** Tags are part of the answer when the user has some (CreateUser, GetUser), as with AWS. */
function userXml(user: UserRecord): XmlValue {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: new Date(user.createDate),
    Tags: user.tags.length > 0 ? user.tags : undefined,
  };
}

const createUser: ActionHandler = (context) => {
  const name = userNameParam(context, true)!;
  const path = context.params.get('Path') ?? '/';
  iamChecker().string(path, { member: 'path', min: 1, max: 512, pattern: PATTERNS.path }).throwIfAny();
  const account = accountOf(context);
  const arn = userArn(account.accountId, path, name);
  context.authorize('iam:CreateUser', arn);
  const tags = tagsParam(context);
  checkTags(tags);
  if (account.users[name.toLowerCase()] !== undefined) throw iamErrors.userExists(name);
  const user: UserRecord = {
    name,
    path,
    userId: generateIdentifiers.userId(),
    arn,
    tags,
    createDate: new Date(context.now).toISOString(),
    inlinePolicies: keyedRecords(),
    attachedPolicyArns: [],
  };
  account.users[name.toLowerCase()] = user;
  context.markChanged();
  return { User: userXml(user) };
};

const getUser: ActionHandler = (context) => ({ User: userXml(existingUser(context, 'iam:GetUser', false)) });

function keysOf(context: ActionContext, user: UserRecord) {
  return Object.values(context.state.accessKeys).filter(
    (key) => key.accountId === accountOf(context).accountId && key.owner.kind === 'user' && key.owner.userName.toLowerCase() === user.name.toLowerCase(),
  );
}

const deleteUser: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:DeleteUser');
  if (keysOf(context, user).length > 0) throw iamErrors.deleteConflict('access keys');
  if ((user.attachedPolicyArns ?? []).length > 0) throw new AwsError('DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
  if (Object.keys(user.inlinePolicies).length > 0) throw iamErrors.deleteConflict('policies');
  delete accountOf(context).users[user.name.toLowerCase()];
  context.markChanged();
  return undefined;
};

function policyName(context: ActionContext): string {
  const name = context.params.get('PolicyName');
  iamChecker().string(name, { member: 'policyName', required: true, min: 1, max: 128, pattern: PATTERNS.policyName }).throwIfAny();
  return name!;
}

const putUserPolicy: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:PutUserPolicy');
  const name = policyName(context);
  const document = context.params.get('PolicyDocument');
  checkPermissionPolicy(document);
  checkInlinePolicySize('user', [...Object.entries(user.inlinePolicies).filter(([n]) => n !== name).map(([, d]) => d), document!]);
  user.inlinePolicies[name] = document!;
  context.markChanged();
  return undefined;
};

const getUserPolicy: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:GetUserPolicy');
  const name = policyName(context);
  const document = user.inlinePolicies[name];
  if (document === undefined) throw iamErrors.noSuchUserPolicy(name);
  return { UserName: user.name, PolicyName: name, PolicyDocument: encodedDocument(document) };
};

const listUserPolicies: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:ListUserPolicies');
  const page = paginate(context, Object.keys(user.inlinePolicies).sort());
  return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

const deleteUserPolicy: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:DeleteUserPolicy');
  const name = policyName(context);
  if (user.inlinePolicies[name] === undefined) throw iamErrors.noSuchUserPolicy(name);
  delete user.inlinePolicies[name];
  context.markChanged();
  return undefined;
};

/** IAM allows two access keys per user. */
const MAX_KEYS_PER_USER = 2;

const createAccessKey: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:CreateAccessKey', false);
  if (keysOf(context, user).length >= MAX_KEYS_PER_USER) throw iamErrors.quota('AccessKeysPerUser', MAX_KEYS_PER_USER);
  const key = {
    accessKeyId: generateIdentifiers.userAccessKeyId(),
    secretAccessKey: generateIdentifiers.secretAccessKey(),
    accountId: user.arn.split(':')[4]!,
    owner: { kind: 'user' as const, userName: user.name },
    status: 'Active' as const,
    createDate: new Date(context.now).toISOString(),
  };
  context.state.accessKeys[key.accessKeyId] = key;
  context.markChanged();
  return {
    AccessKey: {
      UserName: user.name,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      SecretAccessKey: key.secretAccessKey,
      CreateDate: new Date(key.createDate),
    },
  };
};

const deleteAccessKey: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:DeleteAccessKey', false);
  const id = context.params.get('AccessKeyId');
  iamChecker().string(id, { member: 'accessKeyId', required: true, min: 16, max: 128 }).throwIfAny();
  if (!keysOf(context, user).some((key) => key.accessKeyId === id)) throw iamErrors.noSuchAccessKey(id!);
  delete context.state.accessKeys[id!];
  context.markChanged();
  return undefined;
};

const listAccessKeys: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:ListAccessKeys', false);
  return {
    AccessKeyMetadata: keysOf(context, user).map((key) => ({
      UserName: user.name,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      CreateDate: new Date(key.createDate),
    })),
    IsTruncated: false,
  };
};

const attachUserPolicy: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:AttachUserPolicy');
  const arn = managedPolicyArnParam(context);
  if (findManagedPolicy(accountOf(context), arn) === undefined) {
    throw new AwsError('NoSuchEntity', 404, `Policy ${arn} does not exist or is not attachable.`);
  }
  const attached = (user.attachedPolicyArns ??= []);
  if (!attached.includes(arn)) attached.push(arn);
  context.markChanged();
  return undefined;
};

const detachUserPolicy: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:DetachUserPolicy');
  const arn = managedPolicyArnParam(context);
  if (!(user.attachedPolicyArns ?? []).includes(arn)) throw new AwsError('NoSuchEntity', 404, `Policy ${arn} was not found.`);
  user.attachedPolicyArns = user.attachedPolicyArns!.filter((attached) => attached !== arn);
  context.markChanged();
  return undefined;
};

const listAttachedUserPolicies: ActionHandler = (context) => {
  const user = existingUser(context, 'iam:ListAttachedUserPolicies');
  const account = accountOf(context);
  const attached = (user.attachedPolicyArns ?? []).flatMap((arn) => {
    const policy = findManagedPolicy(account, arn);
    return policy === undefined ? [] : [{ PolicyName: policy.name, PolicyArn: arn }];
  });
  const page = paginate(context, attached);
  return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

function managedPolicyArnParam(context: ActionContext): string {
  const arn = context.params.get('PolicyArn');
  iamChecker().string(arn, { member: 'policyArn', required: true, min: 20, max: 2048 }).throwIfAny();
  if (!looksLikeArn(arn!)) throw new AwsError('ValidationError', 400, `ARN ${arn!} is not valid.`);
  return arn!;
}

export const userActions: Record<string, ActionHandler> = {
  AttachUserPolicy: attachUserPolicy,
  DetachUserPolicy: detachUserPolicy,
  ListAttachedUserPolicies: listAttachedUserPolicies,
  CreateUser: createUser,
  GetUser: getUser,
  DeleteUser: deleteUser,
  PutUserPolicy: putUserPolicy,
  GetUserPolicy: getUserPolicy,
  ListUserPolicies: listUserPolicies,
  DeleteUserPolicy: deleteUserPolicy,
  CreateAccessKey: createAccessKey,
  DeleteAccessKey: deleteAccessKey,
  ListAccessKeys: listAccessKeys,
};
