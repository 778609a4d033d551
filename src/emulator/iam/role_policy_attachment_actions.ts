import { AwsError } from '../aws_error.js';
import type { ActionContext, ActionHandler } from '../emulator_service.js';
import { accountOf } from './account_of.js';
import { iamChecker } from './iam_checker.js';
import { findManagedPolicy, looksLikeArn } from './managed_policies.js';
import { paginate } from './pagination.js';
import { existingRole } from './role_actions.js';

/**
 * AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies. Attached policies count in
 * authorization like inline ones (authorize.ts). Texts recorded from AWS (LocalStack's test_iam_roles):
 * a non-ARN is `ValidationError` "ARN x is not valid."; a policy that does not exist `NoSuchEntity`
 * "Policy … does not exist or is not attachable."; detaching what is not attached "Policy … was not found.".
 */
const MAX_ATTACHED_PER_ROLE = 10;

function policyArnParam(context: ActionContext): string {
  const arn = context.params.get('PolicyArn');
  iamChecker().string(arn, { member: 'policyArn', required: true, min: 20, max: 2048 }).throwIfAny();
  if (!looksLikeArn(arn!)) throw new AwsError('ValidationError', 400, `ARN ${arn!} is not valid.`);
  return arn!;
}

const attachRolePolicy: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:AttachRolePolicy');
  const arn = policyArnParam(context);
  const policy = findManagedPolicy(accountOf(context), arn);
  if (policy === undefined) throw new AwsError('NoSuchEntity', 404, `Policy ${arn} does not exist or is not attachable.`);
  const attached = (role.attachedPolicyArns ??= []);
  if (!attached.includes(arn)) {
    if (attached.length >= MAX_ATTACHED_PER_ROLE) {
      throw new AwsError('LimitExceeded', 409, `Cannot exceed quota for PoliciesPerRole: ${MAX_ATTACHED_PER_ROLE}`);
    }
    attached.push(arn);
    context.markChanged();
  }
  return undefined;
};

const detachRolePolicy: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:DetachRolePolicy');
  const arn = policyArnParam(context);
  if (!(role.attachedPolicyArns ?? []).includes(arn)) throw new AwsError('NoSuchEntity', 404, `Policy ${arn} was not found.`);
  role.attachedPolicyArns = role.attachedPolicyArns!.filter((attached) => attached !== arn);
  context.markChanged();
  return undefined;
};

const listAttachedRolePolicies: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:ListAttachedRolePolicies');
  const prefix = context.params.get('PathPrefix') ?? '/';
  const account = accountOf(context);
  const attached = (role.attachedPolicyArns ?? []).flatMap((arn) => {
    const policy = findManagedPolicy(account, arn);
    return policy === undefined || !policy.path.startsWith(prefix) ? [] : [{ PolicyName: policy.name, PolicyArn: arn }];
  });
  const page = paginate(context, attached);
  return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

export const rolePolicyAttachmentActions: Record<string, ActionHandler> = {
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
};
