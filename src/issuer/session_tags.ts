import { InvalidInputError } from '../core/index.js';
import { parseSubjectTemplate, renderSubjectTemplate, type SubjectTemplate, type SubjectValues } from './subject_template.js';

/**
 * AWS session tags carried in the token's `https://aws.amazon.com/tags` claim. Limits from STS's model
 * (AWS-REFERENCE §2.12): ≤ 50 tags; keys 1–128 chars of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`; values 0–256 chars of
 * the same set; keys are case-insensitive (so two keys differing only in case are one tag); `aws:` is
 * AWS's prefix. Values may use the subject placeholders (`{deployment}`…) for attribute-based access.
 */
export const AWS_TAGS_CLAIM = 'https://aws.amazon.com/tags';
export const MAX_SESSION_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface SessionTagsInput {
  principalTags: Record<string, string>;
  transitiveTagKeys?: string[];
}

export interface SessionTags {
  principalTags: ReadonlyArray<{ key: string; value: SubjectTemplate | string }>;
  transitiveTagKeys: readonly string[];
}

export interface AwsTagsClaim {
  principal_tags: Record<string, [string]>;
  transitive_tag_keys?: string[];
}

/**
 * Which limit a configuration breaks; stable, in `details.rule` of the 400 `invalid_session_tags`, so a client
 * can tell them apart without reading the message.
 */
export type SessionTagRule =
  | 'no_tags'
  | 'too_many_tags'
  | 'key_length'
  | 'key_characters'
  | 'key_reserved'
  | 'duplicate_key'
  | 'value_length'
  | 'value_characters'
  | 'value_template'
  | 'transitive_key_not_a_tag'
  | 'duplicate_transitive_key';

function tagError(rule: SessionTagRule, message: string, details: Record<string, unknown> = {}): InvalidInputError {
  return new InvalidInputError('invalid_session_tags', message, { rule, ...details });
}

export function parseSessionTags(input: SessionTagsInput): SessionTags {
  const entries = Object.entries(input.principalTags);
  if (entries.length === 0) throw tagError('no_tags', 'sessionTags.principalTags needs at least one tag.');
  if (entries.length > MAX_SESSION_TAGS) {
    throw tagError('too_many_tags', `AWS accepts at most ${MAX_SESSION_TAGS} session tags; this config has ${entries.length}.`, { count: entries.length, max: MAX_SESSION_TAGS });
  }
  const seen = new Map<string, string>();
  const principalTags = entries.map(([key, value]) => {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
      throw tagError('key_length', `A tag key is 1–${MAX_TAG_KEY_LENGTH} characters; '${key.slice(0, 40)}…' has ${key.length}.`, { key: key.slice(0, 140), length: key.length });
    }
    if (!TAG_KEY_PATTERN.test(key)) {
      throw tagError('key_characters', `Tag key '${key}' may contain only letters, digits, spaces and _ . : / = + - @.`, { key });
    }
    if (key.toLowerCase().startsWith('aws:')) throw tagError('key_reserved', "Tag keys starting with 'aws:' are reserved by AWS.", { key });
    const folded = key.toLowerCase();
    if (seen.has(folded)) {
      throw tagError('duplicate_key', `Tag keys are case-insensitive in AWS: '${seen.get(folded)}' and '${key}' are the same tag.`, { key });
    }
    seen.set(folded, key);
    if (!value.includes('{')) {
      if (value.length > MAX_TAG_VALUE_LENGTH) {
        throw tagError('value_length', `The value of tag ${key} has ${value.length} characters; AWS accepts at most ${MAX_TAG_VALUE_LENGTH}.`, { key, length: value.length });
      }
      if (!TAG_VALUE_PATTERN.test(value)) {
        throw tagError('value_characters', `The value of tag ${key} may contain only letters, digits, spaces and _ . : / = + - @.`, { key });
      }
      return { key, value };
    }
    let template: SubjectTemplate;
    try {
      template = parseSubjectTemplate(value, { requireSeparators: false, requirePlaceholder: false });
    } catch (error) {
      throw tagError('value_template', `Tag ${key}: ${(error as Error).message}`, { key });
    }
    return { key, value: template };
  });
  const transitiveTagKeys = input.transitiveTagKeys ?? [];
  for (const key of transitiveTagKeys) {
    if (!seen.has(key.toLowerCase())) {
      throw tagError('transitive_key_not_a_tag', `Transitive tag key '${key.slice(0, 140)}' is not one of the principal tags.`, { key: key.slice(0, 140) });
    }
  }
  if (new Set(transitiveTagKeys.map((k) => k.toLowerCase())).size !== transitiveTagKeys.length) {
    throw tagError('duplicate_transitive_key', 'transitiveTagKeys lists a key twice (keys are case-insensitive).');
  }
  return { principalTags, transitiveTagKeys };
}

/** The claim as AWS documents it: each tag value is an array of one string. */
export function renderAwsTagsClaim(tags: SessionTags, values: SubjectValues): AwsTagsClaim {
  const principal: Record<string, [string]> = {};
  for (const { key, value } of tags.principalTags) {
    const rendered = typeof value === 'string' ? value : renderSubjectTemplate(value, values);
    if (rendered.length > MAX_TAG_VALUE_LENGTH) throw tagError('value_length', `Tag ${key} renders to more than ${MAX_TAG_VALUE_LENGTH} characters.`, { key });
    principal[key] = [rendered];
  }
  return tags.transitiveTagKeys.length > 0
    ? { principal_tags: principal, transitive_tag_keys: [...tags.transitiveTagKeys] }
    : { principal_tags: principal };
}

/** The form stored and returned by the API. */
export function sessionTagsToInput(tags: SessionTags): SessionTagsInput {
  return {
    principalTags: Object.fromEntries(tags.principalTags.map(({ key, value }) => [key, typeof value === 'string' ? value : value.source])),
    ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: [...tags.transitiveTagKeys] } : {}),
  };
}
