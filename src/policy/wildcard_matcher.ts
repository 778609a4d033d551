/** A test of one string, compiled once from a policy pattern. */
export type StringTest = (value: string) => boolean;

/**
 * Compiles an IAM glob (`*` any run of characters, including `:` and `/`; `?` one character) into a test.
 * Patterns without wildcards become plain comparisons, so the common case allocates nothing.
 */
export function wildcardMatcher(pattern: string, ignoreCase: boolean): StringTest {
  const hasWildcard = pattern.includes('*') || pattern.includes('?');
  if (!hasWildcard) {
    if (!ignoreCase) return (value) => value === pattern;
    const lower = pattern.toLowerCase();
    return (value) => value === pattern || (value.length === lower.length && value.toLowerCase() === lower);
  }
  if (pattern === '*') return () => true;
  const star = pattern.indexOf('*');
  if (!ignoreCase && !pattern.includes('?') && star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
  return (value) => regex.test(value);
}

/** Whether the pattern contains IAM wildcard characters. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
