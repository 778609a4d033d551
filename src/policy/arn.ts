import { wildcardMatcher, type StringTest } from './wildcard_matcher.js';

/** The six colon-separated parts of an ARN; `resource` keeps any further colons. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

/** Splits `arn:partition:service:region:account:resource`; undefined when the text is not an ARN. */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  const [, partition = '', service = '', region = '', accountId = ''] = parts;
  return { partition, service, region, accountId, resource: parts.slice(5).join(':') };
}

/**
 * ArnLike semantics: each of the six components is matched separately, each may carry `*`/`?`
 * (IAM User Guide, "Amazon Resource Name (ARN) condition operators"). A pattern that is not a six-part ARN
 * never matches (as in iam-simulate).
 */
export function arnMatcher(pattern: string): StringTest {
  const arnPattern = parseArn(pattern);
  if (arnPattern === undefined) return () => false;
  const parts = [
    wildcardMatcher(arnPattern.partition, false),
    wildcardMatcher(arnPattern.service, false),
    wildcardMatcher(arnPattern.region, false),
    wildcardMatcher(arnPattern.accountId, false),
    wildcardMatcher(arnPattern.resource, false),
  ];
  return (value) => {
    const arn = parseArn(value);
    if (arn === undefined) return false;
    return parts[0]!(arn.partition) && parts[1]!(arn.service) && parts[2]!(arn.region) && parts[3]!(arn.accountId) && parts[4]!(arn.resource);
  };
}

/** The Resource element: `*` matches everything, ARN patterns match component by component. */
export function resourceMatcher(pattern: string): StringTest {
  if (pattern === '*') return () => true;
  return parseArn(pattern) === undefined ? wildcardMatcher(pattern, false) : arnMatcher(pattern);
}
