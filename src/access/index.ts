/**
 * Who is calling and what it may do: the principals (API keys, the bootstrap admin key, IdP users and their
 * sessions, workload secrets, set-up sessions), the checks that admit them, the operator roles and the one
 * permission table every operator route consults.
 */
export {
  Authenticator,
  actorOf,
  bearerToken,
  guardKind,
  workloadOf,
  CSRF_COOKIE,
  SESSION_COOKIE,
  type AuthenticatorOptions,
  type Principal,
  type SetupAccess,
} from './authentication.js';
export { ApiKeyService, type ApiKeyChangeBy, type NewApiKey } from './api_key_service.js';
export { SetupCodeService } from './setup_code_service.js';
export { ensureBootstrapAdminKey, type BootstrapResult } from './bootstrap_admin_key.js';
export {
  SETUP_CODE_TTL,
  SETUP_SESSION_TTL_SECONDS,
  type IssuedSetupCode,
  type SetupCodeRequest,
  type SetupGrant,
  type StartedSetupSession,
} from './setup_codes.js';
export { OPERATOR_ROLES, type OperatorRole, type RoleGrant } from './roles.js';
export { PERMISSIONS, ROLE_PERMISSIONS, TENANTLESS_PERMISSIONS, roleAllows, type Permission } from './permissions.js';
export { ROUTE_PERMISSIONS } from './route_permissions.js';
export { allows, authorize, permissionsOf } from './authorize.js';
export type { AuditActor, OperatorPrincipal } from './operator_principal.js';
export { InvalidTokenError, type InvalidTokenReason } from './idp/invalid_token_error.js';
export type { SecurityContext, SecurityContextOptions } from './idp/security_context.js';
export type { IdpStatus } from './idp/idp_key_set.js';
export { CLOCK_SKEW_SECONDS, type IdpIdentity } from './idp/idp_token_verifier.js';
export { createOperatorIdp, type OperatorIdp } from './idp/operator_idp.js';
export { OperatorSessions, type NewSession, type SessionLifetimes, type AuthenticatedSession } from './operator_sessions.js';
export { ConsoleSignIn, safeReturnTo, safeCliRedirect, type StartSignIn, type FinishedSignIn } from './console_sign_in.js';
