import { createContext, useContext, type ReactNode } from 'react';
import type { Me, Role } from './api/types';

/**
 * Who is signed in and what they may do. From `GET /api/v1/me` when the server has it; a server without it
 * (404) gets `assumed: true` and every button: the API still decides, and a 403 is shown as such.
 */
export interface Session {
  method: 'api-key' | 'idp';
  me: Me | undefined;
  signOut: () => void;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

/** The strongest role the session holds for `tenant` (global roles count for every tenant). */
export function roleFor(me: Me | undefined, tenant?: string): Role | undefined {
  if (!me) return 'admin';
  let best: Role | undefined;
  for (const grant of me.roles) {
    if (grant.tenant !== undefined && grant.tenant !== tenant) continue;
    if (best === undefined || ROLE_RANK[grant.role] > ROLE_RANK[best]) best = grant.role;
  }
  return best;
}

/** `operate`: test connections, rotate keys, create set-up codes. `change`: create, change, delete, revoke. */
export function useCan(tenant?: string): { operate: boolean; change: boolean; role: Role | undefined; assumed: boolean } {
  const { me } = useSession();
  const role = roleFor(me, tenant);
  const rank = role === undefined ? -1 : ROLE_RANK[role];
  return { operate: rank >= ROLE_RANK.operator, change: rank >= ROLE_RANK.admin, role, assumed: me === undefined };
}

export function ReadOnlyNote({ what }: { what: string }): ReactNode {
  return <p className="read-only">Your role may read {what} but not change them.</p>;
}
