import type { RouteOptions } from 'fastify';
import { guardKind } from '../access/index.js';

type Hook = NonNullable<RouteOptions['preHandler']>;

function asList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/**
 * `onRoute`: authentication (and what authorization needs only the path to decide) before anything reads the
 * request. A guard declared as `preHandler` moves to `onRequest`; a set-up guard also runs again at
 * `preValidation`, where the body it checks (token config, connection) is parsed but not yet validated.
 * So an unauthenticated request is a 401 on every route, whatever its body, and never a 400 with schema details.
 */
export function authenticateFirst(route: RouteOptions): void {
  const preHandlers = asList(route.preHandler);
  const guards = preHandlers.filter((hook) => guardKind(hook) !== undefined);
  if (guards.length === 0) return;
  route.preHandler = preHandlers.filter((hook) => guardKind(hook) === undefined) as Hook;
  route.onRequest = [...asList(route.onRequest), ...guards] as NonNullable<RouteOptions['onRequest']>;
  const setupGuards = guards.filter((hook) => guardKind(hook) === 'setup');
  if (setupGuards.length > 0) {
    route.preValidation = [...setupGuards, ...asList(route.preValidation)] as NonNullable<RouteOptions['preValidation']>;
  }
}
