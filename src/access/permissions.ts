import type { OperatorRole } from './roles.js';

// What each role adds to the one below it; PERMISSIONS is all of them. A new permission is listed once, under
// the lowest role that holds it.
const VIEWER = [
  'tenants.read',
  'token_configs.read',
  'workloads.read',
  'connections.read',
  'trust_policy.read',
  'keys.read',
  'audit.read',
  'policy.evaluate',
] as const;
const OPERATOR_ADDS = ['tokens.mint_test', 'connections.test', 'keys.rotate', 'setup_codes.create'] as const;
const ADMIN_ADDS = ['tenants.write', 'token_configs.write', 'workloads.write', 'connections.write', 'keys.revoke', 'api_keys.manage'] as const;

/**
 * What an operator may do. Routes name one of these (route_permissions.ts); roles hold them (below).
 * Nothing is decided by HTTP method: a POST that only reads (policy simulate) is a read.
 */
export const PERMISSIONS = [...VIEWER, ...OPERATOR_ADDS, ...ADMIN_ADDS] as const;
export type Permission = (typeof PERMISSIONS)[number];

const OPERATOR: readonly Permission[] = [...VIEWER, ...OPERATOR_ADDS];
// An admin holds every permission.
const ADMIN: readonly Permission[] = PERMISSIONS;

/** THE permission table: `viewer` reads; `operator` also tests and rotates; `admin` also changes. */
export const ROLE_PERMISSIONS: Readonly<Record<OperatorRole, readonly Permission[]>> = {
  viewer: VIEWER,
  operator: OPERATOR,
  admin: ADMIN,
};

/** Permissions that touch no tenant's resources (pure computations): any role, global or for one tenant, holds them. */
export const TENANTLESS_PERMISSIONS: ReadonlySet<Permission> = new Set(['policy.evaluate']);

export function roleAllows(role: OperatorRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
