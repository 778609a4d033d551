import type { ContextValue } from './authorization_request.js';

/**
 * Finds a context key without regard to case (IAM condition keys are case-insensitive). The exact spelling
 * is tried first so the common case costs one property read.
 */
export function lookupContext(context: Readonly<Record<string, ContextValue>>, key: string, lowerKey: string): ContextValue | undefined {
  // Own keys only: a policy's `constructor` or `__proto__` key is absent, not Object.prototype's property.
  const exact = Object.hasOwn(context, key) ? context[key] : undefined;
  if (exact !== undefined) return exact;
  for (const candidate of Object.keys(context)) {
    if (candidate.length === lowerKey.length && candidate.toLowerCase() === lowerKey) return context[candidate];
  }
  return undefined;
}
