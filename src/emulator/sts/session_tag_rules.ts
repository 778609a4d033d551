import { AwsError } from '../aws_error.js';
import type { Tag } from '../emulator_state.js';

/**
 * STS's rules for session tags on AssumeRole, with AWS's recorded texts (LocalStack's test_sts,
 * recorded 2025-04): tag keys are case-insensitive, so two keys equal but for case are refused,
 * every transitive key must name a passed tag, and a chained session may not set a key its
 * caller passed on as transitive.
 */
const invalid = (message: string) => new AwsError('InvalidParameterValue', 400, message);

export function checkSessionTags(tags: readonly Tag[], transitiveTagKeys: readonly string[], inheritedTransitiveKeys: readonly string[]): void {
  const keys = tags.map((tag) => tag.Key.toLowerCase());
  if (new Set(keys).size !== keys.length) {
    throw invalid('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  }
  if (transitiveTagKeys.some((key) => !keys.includes(key.toLowerCase()))) {
    throw invalid('The specified transitive tag key must be included in the requested tags.');
  }
  const inherited = new Set(inheritedTransitiveKeys.map((key) => key.toLowerCase()));
  if (keys.some((key) => inherited.has(key))) {
    throw invalid("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
  }
}
