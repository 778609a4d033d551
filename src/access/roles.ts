/** The three operator roles, weakest first. API keys, IdP users and console sessions all take these. */
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** A role for every tenant (`tenant` absent) or for one tenant. */
export interface RoleGrant {
  role: OperatorRole;
  tenant?: string;
}

const TENANT = /^[a-z0-9-]{1,63}$/;

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

/**
 * `admin` / `operator` / `viewer` (every tenant) or `<tenant>:<role>` (one tenant); anything else (an IdP's
 * other groups, `user`, a malformed tenant) is not a rolebridge role and yields undefined.
 */
export function parseRoleValue(value: unknown): RoleGrant | undefined {
  if (typeof value !== 'string') return undefined;
  if (isOperatorRole(value)) return { role: value };
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const tenant = value.slice(0, colon);
  const role = value.slice(colon + 1);
  return isOperatorRole(role) && TENANT.test(tenant) ? { role, tenant } : undefined;
}

/** Grants from a list of role values, unknown values dropped, duplicates folded. */
export function parseRoleValues(values: readonly unknown[]): RoleGrant[] {
  const seen = new Set<string>();
  const grants: RoleGrant[] = [];
  for (const value of values) {
    const grant = parseRoleValue(value);
    if (!grant) continue;
    const key = `${grant.tenant ?? '*'}:${grant.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    grants.push(grant);
  }
  return grants;
}
