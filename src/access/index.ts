// src/access: who may do what. Operator roles and the one permission table, the external IdP's tokens.
export { OPERATOR_ROLES, isOperatorRole, parseRoleValue, parseRoleValues, type OperatorRole, type RoleGrant } from './roles.js';
export { PERMISSIONS, ROLE_PERMISSIONS, TENANTLESS_PERMISSIONS, roleAllows, type Permission } from './permissions.js';
export { ROUTE_PERMISSIONS, routePermission } from './route_permissions.js';
export { allows, authorize, permissionsOf } from './authorize.js';
export { auditActorText, type AuditActor, type OperatorPrincipal } from './operator_principal.js';
export { InvalidTokenError, type InvalidTokenReason } from './idp/invalid_token_error.js';
export { isOwnTenantIssuer } from './idp/own_issuer.js';
export { securityContextOf, type SecurityContext, type SecurityContextOptions } from './idp/security_context.js';
export { IdpKeySet, type IdpStatus } from './idp/idp_key_set.js';
export { IdpTokenVerifier, CLOCK_SKEW_SECONDS, type IdpIdentity } from './idp/idp_token_verifier.js';
export { createOperatorIdp, type OperatorIdp } from './idp/operator_idp.js';
export { OperatorSessions, DEFAULT_SESSION_LIFETIMES, SESSION_TOKEN_PREFIX, s256, type NewSession, type SessionLifetimes, type AuthenticatedSession } from './operator_sessions.js';
export { ConsoleSignIn, safeReturnTo, safeCliRedirect, type StartSignIn, type FinishedSignIn } from './console_sign_in.js';
