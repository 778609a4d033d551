import { PATTERNS } from '../constraints.js';
import type { Tag } from '../emulator_state.js';
import { AwsError } from '../aws_error.js';
import { iamChecker } from './iam_checker.js';

/** IAM allows 50 tags per role, user, policy, instance profile and OIDC provider. */
export const MAX_TAGS = 50;

const DUPLICATE_KEYS = 'Duplicate tag keys found. Please note that Tag keys are case insensitive.';

/**
 * Checks tags as IAM does (recorded answers in LocalStack's test_iam_roles snapshots): more than 50
 * is a ValidationError on `tags`; each key 1–128 and value ≤ 256 characters of IAM's tag alphabet,
 * reported as `tags.<n>.member.key|value`; keys equal but for case are `InvalidInput`.
 */
export function checkTags(tags: readonly Tag[]): void {
  const checker = iamChecker().listLength(tags, 'tags', MAX_TAGS);
  checker.throwIfAny();
  tags.forEach((tag, i) => {
    checker
      .string(tag.Key, { member: `tags.${i + 1}.member.key`, min: 1, max: 128, pattern: PATTERNS.tagKey })
      .string(tag.Value, { member: `tags.${i + 1}.member.value`, max: 256, pattern: PATTERNS.tagValue });
  });
  checker.throwIfAny();
  const keys = tags.map((tag) => tag.Key.toLowerCase());
  if (new Set(keys).size !== keys.length) throw new AwsError('InvalidInput', 400, DUPLICATE_KEYS);
}

/** `TagKeys` of an untag call: at most 50, each a valid key (reported on the list as a whole). */
export function checkTagKeys(keys: readonly string[]): void {
  iamChecker()
    .listLength(keys, 'tagKeys', MAX_TAGS)
    .listItems(keys, { member: 'tagKeys', min: 1, max: 128, pattern: PATTERNS.tagKey, itemNotNull: true })
    .throwIfAny();
}

/**
 * Adds or replaces tags; keys compare case-insensitively and the new spelling wins (tagging `Somekey`
 * over `somekey` leaves `Somekey`, as recorded). Over 50 in total: `LimitExceeded`, the text AWS sends
 * for OIDC providers (recorded), used for every taggable entity.
 */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = [...existing];
  for (const tag of added) {
    const at = merged.findIndex((old) => old.Key.toLowerCase() === tag.Key.toLowerCase());
    if (at >= 0) merged[at] = { Key: tag.Key, Value: tag.Value };
    else merged.push({ Key: tag.Key, Value: tag.Value });
  }
  if (merged.length > MAX_TAGS) throw new AwsError('LimitExceeded', 409, 'The number of tags has reached the maximum limit.');
  return merged;
}

/** Removes tags by key, case-insensitively; unknown keys are ignored, as IAM does. */
export function withoutTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const removed = new Set(keys.map((key) => key.toLowerCase()));
  return existing.filter((tag) => !removed.has(tag.Key.toLowerCase()));
}
