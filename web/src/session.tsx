import { createContext, useContext, type ReactNode } from 'react';
import { abilitiesFor, type Abilities } from './api/roles';
import type { Me } from './api/types';

/**
 * Who is signed in and what they may do. From `GET /api/v1/me` when the server has it; a server without it
 * (404) leaves `me` undefined and every button shown: the API still decides, and a 403 is shown as such.
 */
export interface Session {
  method: 'api-key' | 'idp';
  me: Me | undefined;
  signOut: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

/** What the session may do in `tenant`; read-only screens hide the buttons instead of offering dead ones. */
export function useCan(tenant?: string): Abilities {
  return abilitiesFor(useSession().me, tenant);
}

export function ReadOnlyNote({ what }: { what: string }): ReactNode {
  return <p className="read-only">Your role may read {what} but not change them.</p>;
}
