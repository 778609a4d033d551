import type { ContextualTest, RequestContext } from './policy_variables.js';

/**
 * Positive: some test matches. Negated: no test matches and every test could be evaluated (a value whose
 * policy variable is unresolved matches nothing, not even as "different").
 */
export function matchValueList(tests: readonly ContextualTest[], value: string, context: RequestContext, negated: boolean): boolean {
  let unresolved = false;
  for (const test of tests) {
    const result = test(value, context);
    if (result === true) return !negated;
    if (result === undefined) unresolved = true;
  }
  return negated && !unresolved;
}
