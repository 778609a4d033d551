import type { OperatorRole } from './roles.js';

/**
 * What an operator may do. Routes name one of these (route_permissions.ts); roles hold them (below).
 * Nothing is decided by HTTP method: a POST that only reads (policy simulate) is a read.
 */
export const PERMISSIONS = [
  'tenants.read',
  'token_configs.read',
  'workloads.read',
  'connections.read',
  'trust_policy.read',
  'keys.read',
  'audit.read',
  'policy.evaluate',
  'tokens.mint_test',
  'connections.test',
  'keys.rotate',
  'setup_codes.create',
  'tenants.write',
  'token_configs.write',
  'workloads.write',
  'connections.write',
  'keys.revoke',
  'api_keys.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = [
  'tenants.read',
  'token_configs.read',
  'workloads.read',
  'connections.read',
  'trust_policy.read',
  'keys.read',
  'audit.read',
  'policy.evaluate',
];
const OPERATOR: readonly Permission[] = [...VIEWER, 'tokens.mint_test', 'connections.test', 'keys.rotate', 'setup_codes.create'];
// An admin holds every permission: a new one reaches admins by being listed in PERMISSIONS, and the lower roles by name.
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
