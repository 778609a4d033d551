import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wildcardMatcher } from '../../src/policy/wildcard_matcher.js';

/** The textbook reading of an IAM glob as a regular expression: the reference the matcher must agree with. */
function reference(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

describe('wildcardMatcher', () => {
  const text = (chars: string[]) => fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((items) => items.join(''));

  it('agrees with the regular-expression reading of IAM globs', () => {
    fc.assert(
      fc.property(text(['a', 'b', 'A', ':', '/', '*', '?']), text(['a', 'b', 'A', ':', '/', '*', '?']), fc.boolean(), (pattern, value, ignoreCase) => {
        expect(wildcardMatcher(pattern, ignoreCase)(value)).toBe(reference(pattern, value, ignoreCase));
      }),
      { numRuns: 3000 },
    );
  });

  it('stays fast on patterns that make a backtracking regex explode', () => {
    const pattern = `${'*a'.repeat(30)}*b`;
    const value = 'a'.repeat(5000);
    const started = performance.now();
    expect(wildcardMatcher(pattern, false)(value)).toBe(false);
    // Generous bound: the matcher is O(pattern × value); a backtracking regex would not finish at all.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
