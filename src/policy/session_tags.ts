import type { ContextValue } from './authorization_request.js';

/** The claim AWS reads session tags from in a web-identity token. */
export const SESSION_TAGS_CLAIM = 'https://aws.amazon.com/tags';

export interface SessionTags {
  readonly tags: Readonly<Record<string, string>>;
  readonly transitiveTagKeys: readonly string[];
}

/**
 * Reads `{"principal_tags": {"K": ["v"]}, "transitive_tag_keys": ["K"]}` from the tags claim.
 * Values are arrays of one string in AWS's format; a bare string is accepted too.
 */
export function sessionTagsFromClaims(claims: Readonly<Record<string, unknown>>): SessionTags | undefined {
  const claim = claims[SESSION_TAGS_CLAIM];
  if (typeof claim !== 'object' || claim === null) return undefined;
  const principalTags = (claim as Record<string, unknown>).principal_tags;
  const tags: Record<string, string> = {};
  if (typeof principalTags === 'object' && principalTags !== null) {
    for (const [key, value] of Object.entries(principalTags)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string') tags[key] = first;
    }
  }
  const transitive = (claim as Record<string, unknown>).transitive_tag_keys;
  const transitiveTagKeys = Array.isArray(transitive) ? transitive.filter((key): key is string => typeof key === 'string') : [];
  if (Object.keys(tags).length === 0 && transitiveTagKeys.length === 0) return undefined;
  return { tags, transitiveTagKeys };
}

/** The context keys AWS sets for session tags: `aws:RequestTag/<k>`, `aws:TagKeys`, `sts:TransitiveTagKeys`. */
export function sessionTagContext(tags: Readonly<Record<string, string>>, transitiveTagKeys: readonly string[]): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  const keys = Object.keys(tags);
  for (const key of keys) context[`aws:RequestTag/${key}`] = tags[key]!;
  if (keys.length > 0) context['aws:TagKeys'] = keys;
  if (transitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = [...transitiveTagKeys];
  return context;
}
