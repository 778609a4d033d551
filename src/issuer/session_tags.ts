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
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

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

function tagError(message: string, details: Record<string, unknown>): InvalidInputError {
  return new InvalidInputError('invalid_session_tags', message, details);
}

export function parseSessionTags(input: SessionTagsInput): SessionTags {
  const entries = Object.entries(input.principalTags);
  if (entries.length === 0) throw tagError('sessionTags.principalTags needs at least one tag.', {});
  if (entries.length > MAX_SESSION_TAGS) {
    throw tagError(`AWS accepts at most ${MAX_SESSION_TAGS} session tags.`, { count: entries.length });
  }
  const seen = new Map<string, string>();
  const principalTags = entries.map(([key, value]) => {
    if (!TAG_KEY_PATTERN.test(key)) {
      throw tagError('A tag key is 1–128 letters, digits, spaces or _ . : / = + - @.', { key: key.slice(0, 140) });
    }
    if (key.toLowerCase().startsWith('aws:')) throw tagError("Tag keys starting with 'aws:' are reserved by AWS.", { key });
    const folded = key.toLowerCase();
    if (seen.has(folded)) {
      throw tagError(`Tag keys are case-insensitive in AWS: '${seen.get(folded)}' and '${key}' are the same tag.`, { key });
    }
    seen.set(folded, key);
    if (!value.includes('{')) {
      if (!TAG_VALUE_PATTERN.test(value)) {
        throw tagError('A tag value is 0–256 letters, digits, spaces or _ . : / = + - @.', { key });
      }
      return { key, value };
    }
    let template: SubjectTemplate;
    try {
      template = parseSubjectTemplate(value, { requireSeparators: false, requirePlaceholder: false });
    } catch (error) {
      throw tagError(`Tag ${key}: ${(error as Error).message}`, { key });
    }
    return { key, value: template };
  });
  const transitiveTagKeys = input.transitiveTagKeys ?? [];
  for (const key of transitiveTagKeys) {
    if (!seen.has(key.toLowerCase())) {
      throw tagError(`Transitive tag key '${key}' is not one of the principal tags.`, { key: key.slice(0, 140) });
    }
  }
  if (new Set(transitiveTagKeys.map((k) => k.toLowerCase())).size !== transitiveTagKeys.length) {
    throw tagError('transitiveTagKeys lists a key twice.', {});
  }
  return { principalTags, transitiveTagKeys };
}

/** The claim as AWS documents it: each tag value is an array of one string. */
export function renderAwsTagsClaim(tags: SessionTags, values: SubjectValues): AwsTagsClaim {
  const principal: Record<string, [string]> = {};
  for (const { key, value } of tags.principalTags) {
    const rendered = typeof value === 'string' ? value : renderSubjectTemplate(value, values);
    if (rendered.length > 256) throw tagError(`Tag ${key} renders to more than 256 characters.`, { key });
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
