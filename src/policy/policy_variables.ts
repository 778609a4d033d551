import type { ContextValue } from './authorization_request.js';
import { arnMatcher } from './arn.js';
import { lookupContext } from './context_lookup.js';
import { compileGlob, globMatches } from './wildcard_matcher.js';

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
      const resolved = resolve(tokens, context);
      return resolved === undefined ? undefined : arnMatcher(resolved)(value);
    }
    if (mode === 'like') {
      const parts = resolveParts(tokens, context);
      return parts === undefined ? undefined : globMatches(compileGlob(parts), value);
    }
    const resolved = resolve(tokens, context);
    if (resolved === undefined) return undefined;
    return mode === 'equals' ? value === resolved : value.toLowerCase() === resolved.toLowerCase();
  };
}

/** The value as text, wildcards written as the characters they are (for equality and ARN matching). */
function resolve(tokens: readonly Token[], context: RequestContext): string | undefined {
  const parts = resolveParts(tokens, context);
  if (parts === undefined) return undefined;
  return parts.map((part) => part.text).join('');
}

/** Glob parts: the policy's own text keeps its wildcards, substituted values and ${*} ${?} ${$} are literal. */
function resolveParts(tokens: readonly Token[], context: RequestContext): Array<{ text: string; wildcards: boolean }> | undefined {
  const parts: Array<{ text: string; wildcards: boolean }> = [];
  for (const token of tokens) {
    if (token.kind === 'text') parts.push({ text: token.text, wildcards: false });
    else if (token.kind === 'wildcard') parts.push({ text: token.char, wildcards: true });
    else {
      const found = lookupContext(context, token.key, token.lowerKey);
      const value = typeof found === 'string' ? found : token.fallback;
      if (value === undefined) return undefined;
      parts.push({ text: value, wildcards: false });
    }
  }
  return parts;
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

