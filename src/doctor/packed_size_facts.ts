import { sessionTagsFromClaims } from '../policy/index.js';

/**
 * What went into a session STS refused as `PackedPolicyTooLarge`: the session tags the token carried and the
 * session policy the connection passes, measured in characters (STS counts them after an undocumented
 * compression, so characters are what a person can shorten), and how far under the limit they must go.
 */
export interface PackedSizeFacts {
  /** STS's own figure: how much of the allotted space the request used. */
  percent: number;
  sessionTags: {
    count: number;
    keyCharacters: number;
    valueCharacters: number;
    transitiveKeys: number;
    /** The biggest tags (key + value), largest first, at most three. */
    largest: Array<{ key: string; characters: number }>;
  };
  /** The session policy passed with the step (minified), 0 when none. */
  sessionPolicyCharacters: number;
  /**
   * Characters of tag keys and values (or of session policy, when no tags) to stay at or under, assuming the
   * rest compresses as it does now: the current total × 100 / percent, rounded down.
   */
  targetCharacters: number;
}

export function packedSizeFacts(percent: number, claims: Readonly<Record<string, unknown>>, sessionPolicy: string | undefined): PackedSizeFacts {
  const tags = sessionTagsFromClaims(claims);
  const entries = Object.entries(tags?.tags ?? {});
  const keyCharacters = entries.reduce((sum, [key]) => sum + key.length, 0);
  const valueCharacters = entries.reduce((sum, [, value]) => sum + value.length, 0);
  const sessionPolicyCharacters = sessionPolicy === undefined ? 0 : minified(sessionPolicy).length;
  const measured = entries.length > 0 ? keyCharacters + valueCharacters : sessionPolicyCharacters;
  return {
    percent,
    sessionTags: {
      count: entries.length,
      keyCharacters,
      valueCharacters,
      transitiveKeys: tags?.transitiveTagKeys.length ?? 0,
      largest: entries
        .map(([key, value]) => ({ key, characters: key.length + value.length }))
        .sort((a, b) => b.characters - a.characters || (a.key < b.key ? -1 : 1))
        .slice(0, 3),
    },
    sessionPolicyCharacters,
    targetCharacters: percent > 0 ? Math.floor((measured * 100) / percent) : measured,
  };
}

/** A policy as STS packs it: without insignificant white space. */
function minified(policy: string): string {
  try {
    return JSON.stringify(JSON.parse(policy));
  } catch {
    return policy;
  }
}

/** `20 session tags (512 characters of keys, 5,120 of values; largest: a 276, b 276, c 276), 2 transitive` */
export function describePackedSize(facts: PackedSizeFacts): string {
  const { sessionTags: tags } = facts;
  const parts: string[] = [];
  if (tags.count > 0) {
    const largest = tags.largest.map((tag) => `${tag.key} ${tag.characters}`).join(', ');
    parts.push(
      `${tags.count} session tag${tags.count === 1 ? '' : 's'} (${tags.keyCharacters} characters of keys, ${tags.valueCharacters} of values; largest: ${largest})` +
        (tags.transitiveKeys > 0 ? `, ${tags.transitiveKeys} transitive` : ''),
    );
  }
  parts.push(facts.sessionPolicyCharacters > 0 ? `a session policy of ${facts.sessionPolicyCharacters} characters` : 'no session policy');
  return parts.join(' and ');
}
