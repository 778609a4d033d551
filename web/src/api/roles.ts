import type { Me, Role } from './types.js';

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export interface Abilities {
  /** The strongest role held for the tenant; undefined when none applies. */
  role: Role | undefined;
  /** Test connections, rotate keys, create set-up codes (operator and admin). */
  operate: boolean;
  /** Create, change, delete, revoke (admin). */
  change: boolean;
  /** True when the server has no `/api/v1/me`: every action is offered and the API's 403 says no. */
  assumed: boolean;
}

/**
 * What a session may do in `tenant` (CONTRACT's roles: global `admin|operator|viewer` or per tenant), from
 * `GET /api/v1/me`. Without /me (`me` undefined) the console cannot know, so it offers everything.
 */
export function abilitiesFor(me: Me | undefined, tenant?: string): Abilities {
  if (!me) return { role: undefined, operate: true, change: true, assumed: true };
  let role: Role | undefined;
  for (const grant of me.roles) {
    if (grant.tenant !== undefined && grant.tenant !== null && grant.tenant !== tenant) continue;
    if (!(grant.role in ROLE_RANK)) continue;
    if (role === undefined || ROLE_RANK[grant.role] > ROLE_RANK[role]) role = grant.role;
  }
  const rank = role === undefined ? -1 : ROLE_RANK[role];
  return { role, operate: rank >= ROLE_RANK.operator, change: rank >= ROLE_RANK.admin, assumed: false };
}
