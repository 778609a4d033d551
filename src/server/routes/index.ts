import type { FastifyInstance } from 'fastify';
import { registerAuditRoutes } from './audit.js';
import { registerHealthRoutes } from './health.js';
import type { RouteContext } from './route_context.js';

/** Every route module, in registration order. Add yours here (one line). */
export const routeRegistrations: Array<(app: FastifyInstance, ctx: RouteContext) => void | Promise<void>> = [
  registerHealthRoutes,
  registerAuditRoutes,
];
