import type { FastifyInstance } from 'fastify';
import { registerApiKeyRoutes } from './api_keys.js';
import { registerAuditRoutes } from './audit.js';
import { registerAuthRoutes } from './auth.js';
import { registerConnectionRoutes } from './connections.js';
import { registerConnectionTestRoutes } from './connection_test.js';
import { registerCredentialRoutes } from './credentials.js';
import { registerDbAuthRoutes } from './db_auth.js';
import { registerDbAuthCheckRoutes } from './db_auth_check.js';
import { registerHealthRoutes } from './health.js';
import { registerIssuerPublicRoutes } from './issuer_public.js';
import { registerKeyRoutes } from './keys.js';
import { registerMeRoutes } from './me.js';
import { registerPolicyRoutes } from './policy.js';
import { registerSetupCliRoutes } from './setup_cli.js';
import { registerSetupCodeRoutes } from './setup_codes.js';
import { registerSubjectMigrationRoutes } from './subject_migration.js';
import { registerTenantRoutes } from './tenants.js';
import { registerTokenRoutes } from './token.js';
import { registerTokenConfigRoutes } from './token_configs.js';
import { registerTrustPolicyRoutes } from './trust_policy.js';
import { registerWorkloadRoutes } from './workloads.js';
import type { RouteContext } from './route_context.js';

/** Every route module, in registration order. Add yours here (one line). */
export const routeRegistrations: Array<(app: FastifyInstance, ctx: RouteContext) => void | Promise<void>> = [
  registerHealthRoutes,
  registerAuditRoutes,
  registerApiKeyRoutes,
  registerMeRoutes,
  registerAuthRoutes,
  registerIssuerPublicRoutes,
  registerTenantRoutes,
  registerTokenConfigRoutes,
  registerSubjectMigrationRoutes,
  registerWorkloadRoutes,
  registerKeyRoutes,
  registerTokenRoutes,
  registerTrustPolicyRoutes,
  registerConnectionRoutes,
  registerConnectionTestRoutes,
  registerCredentialRoutes,
  registerDbAuthRoutes,
  registerDbAuthCheckRoutes,
  registerPolicyRoutes,
  registerSetupCodeRoutes,
  registerSetupCliRoutes,
];
