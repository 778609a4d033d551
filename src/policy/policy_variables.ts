import type { ContextValue } from './authorization_request.js';
import { arnMatcher } from './arn.js';
import { lookupContext } from './context_lookup.js';

export type RequestContext = Readonly<Record<string, ContextValue>>;

/**
 * A test of one value that may depend on the request (policy variables). `undefined`: a variable could not be
 * resolved, so the policy value is unusable — it matches nothing, and a negated operator cannot count it as
 * "not equal" either (IAM User Guide, "Policy variables with no value": there is no equal or like value).
 */
export type ContextualTest = (value: string, context: RequestContext) => boolean | undefined;

/** How a policy value with variables is compared once resolved. */
export type VariableMode = 'equals' | 'equalsIgnoreCase' | 'like' | 'arn';

type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'wildcard'; readonly char: '*' | '?' }
  | { readonly kind: 'variable'; readonly key: string; readonly lowerKey: string; readonly fallback: string | undefined };

/** Whether a value uses `${…}` policy variables (only honoured in Version 2012-10-17 documents). */
export function hasPolicyVariable(value: string): boolean {
  return /\$\{[^}]+\}/.test(value);
}

/**
 * Compiles a value with policy variables (`${aws:username}`, `${h/p:sub, 'default'}`, `${*}` `${?}` `${$}`).
 * A variable resolves to the request's single value for the key, else its default; with neither, the value
 * matches nothing (IAM User Guide, "IAM policy elements: Variables and tags"). Substituted text is literal.
 */
export function variableMatcher(template: string, mode: VariableMode): ContextualTest {
  const tokens = tokenize(template);
  return (value, context) => {
    if (mode === 'arn') {
      const resolved = resolve(tokens, context, (token) => token.char);
      return resolved === undefined ? undefined : arnMatcher(resolved)(value);
    }
    if (mode === 'like') {
      const source = resolve(tokens, context, (token) => (token.char === '*' ? '.*' : '.'), escapeRegex);
      return source === undefined ? undefined : new RegExp(`^${source}$`, 's').test(value);
    }
    const resolved = resolve(tokens, context, (token) => token.char);
    if (resolved === undefined) return undefined;
    return mode === 'equals' ? value === resolved : value.toLowerCase() === resolved.toLowerCase();
  };
}

function resolve(
  tokens: readonly Token[],
  context: RequestContext,
  wildcard: (token: { char: '*' | '?' }) => string,
  literal: (text: string) => string = (text) => text,
): string | undefined {
  let result = '';
  for (const token of tokens) {
    if (token.kind === 'text') result += literal(token.text);
    else if (token.kind === 'wildcard') result += wildcard(token);
    else {
      const found = lookupContext(context, token.key, token.lowerKey);
      const value = typeof found === 'string' ? found : token.fallback;
      if (value === undefined) return undefined;
      result += literal(value);
    }
  }
  return result;
}

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let index = 0; index < template.length; index += 1) {
    const char = template[index]!;
    if (char === '*' || char === '?') {
      flush();
      tokens.push({ kind: 'wildcard', char });
      continue;
    }
    const end = char === '$' && template[index + 1] === '{' ? template.indexOf('}', index + 2) : -1;
    if (end === -1) {
      text += char;
      continue;
    }
    const inner = template.slice(index + 2, end);
    index = end;
    if (inner === '*' || inner === '?' || inner === '$') {
      text += inner; // ${*} ${?} ${$}: the literal character
      continue;
    }
    flush();
    const fallbackMatch = /^(.*?),\s*'(.*)'$/.exec(inner);
    const key = (fallbackMatch ? fallbackMatch[1]! : inner).trim();
    tokens.push({ kind: 'variable', key, lowerKey: key.toLowerCase(), fallback: fallbackMatch ? fallbackMatch[2]! : undefined });
  }
  flush();
  return tokens;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
