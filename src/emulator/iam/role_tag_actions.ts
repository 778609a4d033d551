import type { ActionHandler } from '../emulator_service.js';
import { tagsParam } from './account_of.js';
import { checkTagKeys, checkTags, mergeTags, withoutTags } from './iam_tags.js';
import { paginate } from './pagination.js';
import { existingRole } from './role_actions.js';

/** TagRole, UntagRole, ListRoleTags (what Terraform's aws_iam_role reads and writes). */
const tagRole: ActionHandler = (context) => {
  const tags = tagsParam(context);
  checkTags(tags);
  const role = existingRole(context, 'iam:TagRole');
  role.tags = mergeTags(role.tags, tags);
  context.markChanged();
  return undefined;
};

const untagRole: ActionHandler = (context) => {
  const keys = context.params.list('TagKeys');
  checkTagKeys(keys);
  const role = existingRole(context, 'iam:UntagRole');
  role.tags = withoutTags(role.tags, keys);
  context.markChanged();
  return undefined;
};

const listRoleTags: ActionHandler = (context) => {
  const role = existingRole(context, 'iam:ListRoleTags');
  const page = paginate(context, role.tags);
  return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
};

export const roleTagActions: Record<string, ActionHandler> = { TagRole: tagRole, UntagRole: untagRole, ListRoleTags: listRoleTags };
