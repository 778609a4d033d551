import { parseRoleValues, type RoleGrant } from '../roles.js';

export interface SecurityContextOptions {
  /** A claim holding the context: an object, or a JSON string as Cognito's pre-token-generation trigger writes it. */
  claimsNamespace: string | undefined;
  /** The roles claim: looked up inside the namespace first, then at the top level. */
  rolesClaim: string;
}

export interface SecurityContext {
  grants: RoleGrant[];
  /** The namespace's content (e.g. `{company_id, user_id, roles}`), when there is one. */
  context: Record<string, unknown> | undefined;
}

function namespaceOf(claims: Record<string, unknown>, namespace: string | undefined): Record<string, unknown> | undefined {
  if (namespace === undefined) return undefined;
  let value = claims[namespace];
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined; // not JSON: no context from it (the roles may still be at the top level)
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A roles claim's values: an array, or one string (space- or comma-separated, as some IdPs send groups). */
function roleValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((item) => item !== '');
  return [];
}

/** Verified claims → the operator's roles (unknown role values ignored). */
export function securityContextOf(claims: Record<string, unknown>, options: SecurityContextOptions): SecurityContext {
  const context = namespaceOf(claims, options.claimsNamespace);
  const fromNamespace = context?.[options.rolesClaim];
  const values = fromNamespace !== undefined ? roleValues(fromNamespace) : roleValues(claims[options.rolesClaim]);
  return { grants: parseRoleValues(values), context };
}
