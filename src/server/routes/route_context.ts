import type { ServerDeps } from '../deps.js';

/** What every route module is given: the server's ready services. */
export type RouteContext = ServerDeps;
