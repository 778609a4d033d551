import { ForbiddenError } from '../core/index.js';
import { PERMISSIONS, roleAllows, TENANTLESS_PERMISSIONS, type Permission } from './permissions.js';
import type { OperatorPrincipal } from './operator_principal.js';
import type { RoleGrant } from './roles.js';

/** The grants that count for a tenant: the global ones and that tenant's. Without a tenant: only the global ones. */
function grantsFor(grants: readonly RoleGrant[], tenant: string | undefined, permission: Permission | undefined): RoleGrant[] {
  if (permission !== undefined && TENANTLESS_PERMISSIONS.has(permission)) return [...grants];
  return grants.filter((grant) => grant.tenant === undefined || grant.tenant === tenant);
}

export function allows(grants: readonly RoleGrant[], permission: Permission, tenant: string | undefined): boolean {
  return grantsFor(grants, tenant, permission).some((grant) => roleAllows(grant.role, permission));
}

/**
 * Throws 403 unless the principal's roles hold `permission` (for `tenant`, when the route names one).
 * `permission` undefined (a route not in the table) is allowed to a global admin only.
 */
export function authorize(principal: OperatorPrincipal, permission: Permission | undefined, tenant: string | undefined): void {
  if (permission === undefined) {
    if (principal.grants.some((grant) => grant.role === 'admin' && grant.tenant === undefined)) return;
    throw new ForbiddenError('forbidden', `${principal.label} may not call this route: it needs the admin role for every tenant.`);
  }
  if (allows(principal.grants, permission, tenant)) return;
  const tenants = [...new Set(principal.grants.map((grant) => grant.tenant))];
  const elsewhere = tenant !== undefined && tenants.every((t) => t !== undefined && t !== tenant);
  if (elsewhere) {
    throw new ForbiddenError('tenant_forbidden', `${principal.label} has no role in tenant '${tenant}' (only: ${tenants.join(', ')}).`);
  }
  throw new ForbiddenError('forbidden', `${principal.label} may not do this: '${permission}' needs a role that holds it (${rolesHolding(permission).join(' or ')}).`);
}

function rolesHolding(permission: Permission): string[] {
  return (['viewer', 'operator', 'admin'] as const).filter((role) => roleAllows(role, permission));
}

/** Every permission the grants hold somewhere (for `GET /me`: what the console may show). */
export function permissionsOf(grants: readonly RoleGrant[]): Permission[] {
  return PERMISSIONS.filter((permission) => grants.some((grant) => roleAllows(grant.role, permission)));
}
