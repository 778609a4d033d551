import type { ConsoleSignIn, OperatorSessions } from '../../access/index.js';
import type { Authenticator } from '../authentication.js';
import type { ServerDeps } from '../deps.js';

/** What every route module is given: the server's dependencies plus the authenticator. */
export interface RouteContext extends ServerDeps {
  auth: Authenticator;
  /** Operator sessions after IdP sign-in. */
  sessions: OperatorSessions;
  /** The console's IdP sign-in; undefined when no IdP is configured. */
  signIn: ConsoleSignIn | undefined;
}
