import { AwsError } from '../aws_error.js';
import { PATTERNS } from '../constraints.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { keyedRecords, type ManagedPolicyRecord } from '../emulator_state.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import { accountOf, tagsParam } from './account_of.js';
import { iamChecker } from './iam_checker.js';
import { checkTags } from './iam_tags.js';
import { type ManagedPolicyView, attachmentCount, findManagedPolicy, listManagedPolicies, policyXml } from './managed_policies.js';
import { paginate } from './pagination.js';
import { checkPermissionPolicy } from './policy_document_checks.js';
import { encodedDocument } from './role_actions.js';

/**
 * Customer managed policies (CreatePolicy … DeletePolicy) and read access to AWS managed ones.
 * Texts are AWS's as recorded in LocalStack's test_iam_policies / test_iam_managed_policies snapshots.
 */
const MAX_VERSIONS = 5;

const notFound = (arn: string) => new AwsError('NoSuchEntity', 404, `Policy ${arn} does not exist or is not attachable.`);
const versionNotFound = (arn: string, versionId: string) =>
  new AwsError('NoSuchEntity', 404, `Policy ${arn} version ${versionId} does not exist or is not attachable.`);

function policyArnParam(context: ActionContext): string {
  const arn = context.params.get('PolicyArn');
  iamChecker().string(arn, { member: 'policyArn', required: true, min: 20, max: 2048 }).throwIfAny();
  return arn!;
}

function versionIdParam(context: ActionContext): string {
  const versionId = context.params.get('VersionId');
  iamChecker().string(versionId, { member: 'versionId', required: true, pattern: PATTERNS.policyVersionId }).throwIfAny();
  return versionId!;
}

function existingPolicy(context: ActionContext, action: string, arn: string, missing = notFound): ManagedPolicyView {
  context.authorize(action, arn);
  const policy = findManagedPolicy(accountOf(context), arn);
  if (policy === undefined) throw missing(arn);
  return policy;
}

/** AWS managed policies are read-only: `AccessDenied` with AWS's texts. */
function ownPolicy(policy: ManagedPolicyView, refusal: string): ManagedPolicyRecord {
  if (policy.record === undefined) throw new AwsError('AccessDenied', 403, refusal);
  return policy.record;
}

const createPolicy: ActionHandler = (context) => {
  const name = context.params.get('PolicyName');
  const path = context.params.get('Path') ?? '/';
  const description = context.params.get('Description');
  iamChecker()
    .string(name, { member: 'policyName', required: true, min: 1, max: 128, pattern: PATTERNS.policyName })
    .string(path, { member: 'path', min: 1, max: 512, pattern: PATTERNS.path })
    .string(description, { member: 'description', max: 1000 })
    .throwIfAny();
  const account = accountOf(context);
  const arn = `arn:aws:iam::${account.accountId}:policy${path}${name!}`;
  context.authorize('iam:CreatePolicy', arn);
  const document = context.params.get('PolicyDocument');
  checkPermissionPolicy(document);
  const tags = tagsParam(context);
  checkTags(tags);
  account.managedPolicies ??= keyedRecords();
  // Names are unique per account whatever the path.
  if (Object.values(account.managedPolicies).some((p) => p.name.toLowerCase() === name!.toLowerCase())) {
    throw new AwsError('EntityAlreadyExists', 409, `A policy called ${name!} already exists. Duplicate names are not allowed.`);
  }
  const now = new Date(context.now).toISOString();
  const record: ManagedPolicyRecord = {
    name: name!,
    path,
    policyId: generateIdentifiers.policyId(),
    arn,
    ...(description === undefined ? {} : { description }),
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document: document!, createDate: now }],
    nextVersion: 2,
    tags,
    createDate: now,
    updateDate: now,
  };
  account.managedPolicies[arn] = record;
  context.markChanged();
  return { Policy: policyXml(account, { kind: 'customer', ...record, record }, 'create') };
};

const getPolicy: ActionHandler = (context) => {
  const policy = existingPolicy(context, 'iam:GetPolicy', policyArnParam(context));
  return { Policy: policyXml(accountOf(context), policy, 'get') };
};

const getPolicyVersion: ActionHandler = (context) => {
  const arn = policyArnParam(context);
  const versionId = versionIdParam(context);
  const policy = existingPolicy(context, 'iam:GetPolicyVersion', arn, (a) => versionNotFound(a, versionId));
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (version === undefined) throw versionNotFound(arn, versionId);
  return {
    PolicyVersion: {
      Document: encodedDocument(version.document),
      VersionId: version.versionId,
      IsDefaultVersion: version.versionId === policy.defaultVersionId,
      CreateDate: new Date(version.createDate),
    },
  };
};

const listPolicyVersions: ActionHandler = (context) => {
  const policy = existingPolicy(context, 'iam:ListPolicyVersions', policyArnParam(context));
  // Newest first, as recorded.
  const versions = [...policy.versions].reverse().map((v) => ({
    VersionId: v.versionId,
    IsDefaultVersion: v.versionId === policy.defaultVersionId,
    CreateDate: new Date(v.createDate),
  }));
  const page = paginate(context, versions);
  return { Versions: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

const listPolicies: ActionHandler = (context) => {
  const account = accountOf(context);
  const scope = context.params.get('Scope') ?? 'All';
  const onlyAttached = context.params.get('OnlyAttached') === 'true';
  const prefix = context.params.get('PathPrefix') ?? '/';
  if (!['All', 'AWS', 'Local'].includes(scope)) {
    throw new AwsError('ValidationError', 400, "1 validation error detected: Value at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]");
  }
  context.authorize('iam:ListPolicies', `arn:aws:iam::${account.accountId}:policy${prefix}`);
  const policies = listManagedPolicies(account, scope as 'All' | 'AWS' | 'Local')
    .filter((policy) => policy.path.startsWith(prefix))
    .map((policy) => policyXml(account, policy, 'list') as { AttachmentCount: number })
    .filter((policy) => !onlyAttached || policy.AttachmentCount > 0);
  const page = paginate(context, policies);
  return { Policies: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

const createPolicyVersion: ActionHandler = (context) => {
  const arn = policyArnParam(context);
  const policy = existingPolicy(context, 'iam:CreatePolicyVersion', arn);
  const record = ownPolicy(policy, 'Cannot update policies outside your own account.');
  const document = context.params.get('PolicyDocument');
  checkPermissionPolicy(document);
  if (record.versions.length >= MAX_VERSIONS) {
    throw new AwsError(
      'LimitExceeded',
      409,
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    );
  }
  const versionId = `v${record.nextVersion}`;
  const now = new Date(context.now).toISOString();
  record.nextVersion += 1;
  record.versions.push({ versionId, document: document!, createDate: now });
  const setAsDefault = context.params.get('SetAsDefault') === 'true';
  if (setAsDefault) record.defaultVersionId = versionId;
  record.updateDate = now;
  context.markChanged();
  return { PolicyVersion: { VersionId: versionId, IsDefaultVersion: setAsDefault, CreateDate: new Date(now) } };
};

const setDefaultPolicyVersion: ActionHandler = (context) => {
  const arn = policyArnParam(context);
  const versionId = versionIdParam(context);
  const policy = existingPolicy(context, 'iam:SetDefaultPolicyVersion', arn, (a) => versionNotFound(a, versionId));
  const record = ownPolicy(policy, 'Cannot update policies outside your own account.');
  if (!record.versions.some((v) => v.versionId === versionId)) throw versionNotFound(arn, versionId);
  record.defaultVersionId = versionId;
  record.updateDate = new Date(context.now).toISOString();
  context.markChanged();
  return undefined;
};

const deletePolicyVersion: ActionHandler = (context) => {
  const arn = policyArnParam(context);
  const versionId = versionIdParam(context);
  const policy = existingPolicy(context, 'iam:DeletePolicyVersion', arn, (a) => versionNotFound(a, versionId));
  const record = ownPolicy(policy, 'Cannot delete policy versions for policies outside your own account.');
  if (!record.versions.some((v) => v.versionId === versionId)) throw versionNotFound(arn, versionId);
  if (record.defaultVersionId === versionId) throw new AwsError('DeleteConflict', 409, 'Cannot delete the default version of a policy.');
  record.versions = record.versions.filter((v) => v.versionId !== versionId);
  context.markChanged();
  return undefined;
};

const deletePolicy: ActionHandler = (context) => {
  const arn = policyArnParam(context);
  const policy = existingPolicy(context, 'iam:DeletePolicy', arn);
  const record = ownPolicy(policy, 'Cannot delete policies outside your own account.');
  const account = accountOf(context);
  if (attachmentCount(account, arn) > 0) throw new AwsError('DeleteConflict', 409, 'Cannot delete a policy attached to entities.');
  delete account.managedPolicies?.[record.arn];
  context.markChanged();
  return undefined;
};

export const managedPolicyActions: Record<string, ActionHandler> = {
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  ListPolicies: listPolicies,
  ListPolicyVersions: listPolicyVersions,
  CreatePolicyVersion: createPolicyVersion,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  DeletePolicyVersion: deletePolicyVersion,
  DeletePolicy: deletePolicy,
};
