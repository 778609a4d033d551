import type { Authenticator } from '../authentication.js';
import type { ServerDeps } from '../deps.js';

/** What every route module is given: the server's dependencies plus the authenticator. */
export interface RouteContext extends ServerDeps {
  auth: Authenticator;
}
