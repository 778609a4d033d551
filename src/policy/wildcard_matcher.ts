/** A test of one string, compiled once from a policy pattern. */
export type StringTest = (value: string) => boolean;

/** Pattern items: a character code, or one of the two wildcards. */
const STAR = -1;
const ANY_ONE = -2;

/** A compiled IAM glob: character codes with STAR for `*` and ANY_ONE for `?`. */
export type Glob = Int32Array;

/**
 * Compiles an IAM glob (`*` any run of characters, including `:` and `/`; `?` one character) into a test.
 * Patterns without wildcards become plain comparisons, a trailing `*` a prefix test, so the common cases
 * allocate nothing. Everything else runs a linear-space matcher, never a regular expression: patterns come
 * from customers' policies and must not be able to trigger catastrophic backtracking.
 */
export function wildcardMatcher(pattern: string, ignoreCase: boolean): StringTest {
  if (!hasWildcard(pattern)) {
    if (!ignoreCase) return (value) => value === pattern;
    const lower = pattern.toLowerCase();
    return (value) => value === pattern || (value.length === lower.length && value.toLowerCase() === lower);
  }
  if (pattern === '*') return () => true;
  if (pattern.indexOf('*') === pattern.length - 1 && !pattern.includes('?')) {
    const prefix = pattern.slice(0, -1);
    if (!ignoreCase) return (value) => value.startsWith(prefix);
    const lower = prefix.toLowerCase();
    return (value) => value.startsWith(prefix) || (value.length >= lower.length && value.slice(0, lower.length).toLowerCase() === lower);
  }
  const glob = compileGlob([{ text: ignoreCase ? pattern.toLowerCase() : pattern, wildcards: true }]);
  return ignoreCase ? (value) => globMatches(glob, value.toLowerCase()) : (value) => globMatches(glob, value);
}

/**
 * Builds a glob from parts; `wildcards: false` parts are literal (text substituted for a policy variable).
 */
export function compileGlob(parts: ReadonlyArray<{ readonly text: string; readonly wildcards: boolean }>): Glob {
  const codes: number[] = [];
  for (const part of parts) {
    for (let index = 0; index < part.text.length; index += 1) {
      const code = part.text.charCodeAt(index);
      if (part.wildcards && code === 0x2a) {
        if (codes.at(-1) !== STAR) codes.push(STAR); // `**` is `*`
      } else if (part.wildcards && code === 0x3f) codes.push(ANY_ONE);
      else codes.push(code);
    }
  }
  return Int32Array.from(codes);
}

/**
 * Iterative glob matching with one backtrack point (the last `*`): O(pattern × value) in the worst case,
 * usually linear.
 */
export function globMatches(glob: Glob, value: string): boolean {
  let p = 0;
  let v = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (v < value.length) {
    const item = p < glob.length ? glob[p]! : undefined;
    if (item !== undefined && (item === ANY_ONE || item === value.charCodeAt(v))) {
      p += 1;
      v += 1;
    } else if (item === STAR) {
      starAt = p;
      p += 1;
      resumeAt = v;
    } else if (starAt >= 0) {
      p = starAt + 1;
      resumeAt += 1;
      v = resumeAt;
    } else {
      return false;
    }
  }
  while (p < glob.length && glob[p] === STAR) p += 1;
  return p === glob.length;
}

/** Whether the pattern contains IAM wildcard characters. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
