/**
 * rolebridge's IAM policy engine: pure functions over data (no I/O, no clock). The one engine behind the
 * emulator's trust checks, the doctor, the CLI, the API and the console.
 */
export { parsePolicy } from './parse_policy.js';
export { PolicyParseError } from './policy_parse_error.js';
export type { PolicyDocument, PolicyStatement, PolicyCondition, PolicyEffect, PrincipalKind, PrincipalSpec, PolicyJson, PolicyStatementJson } from './policy_document.js';
export type { AuthorizationRequest, RequestPrincipal, ContextValue } from './authorization_request.js';
export type { PolicyEvaluation, StatementEvaluation, ConditionEvaluation, ElementEvaluation, Decision } from './policy_evaluation.js';
export { evaluatePolicy, TAG_SESSION } from './evaluate_policy.js';
export { conditionAdmits } from './condition_admits.js';
export { preparePolicy, type PreparedPolicy } from './prepare_policy.js';
export { decidePolicy } from './decide_policy.js';
export { webIdentityRequest, ASSUME_ROLE_WITH_WEB_IDENTITY, type WebIdentityRequestInput } from './web_identity_request.js';
export { assumeRoleRequest, principalArnOf, type AssumeRoleRequestInput } from './assume_role_request.js';
export { conditionKeyPrefix, oidcProviderArn, isLoopbackHttpIssuer } from './condition_key_prefix.js';
export { STS_ISSUER_FETCH } from './sts_issuer_fetch.js';
export { parseArn, type Arn } from './arn.js';
export { sessionTagsFromClaims } from './session_tags.js';
export { lintPolicy, hasLintErrors } from './lint/lint_policy.js';
export type { LintFinding, LintOptions, LintSeverity } from './lint/lint_finding.js';
export { subjectPattern, SUBJECT_PLACEHOLDERS, type SubjectScope, type SubjectPlaceholder } from './generate/subject_pattern.js';
export { trustPolicyFor, type TrustPolicyInput } from './generate/trust_policy_for.js';
export { permissionPolicyFor, PERMISSION_TEMPLATES, type PermissionTemplate, type PermissionParameters } from './generate/permission_policy_for.js';
export { renderPolicy } from './render/render_policy.js';
export { RENDER_FORMATS, NO_TLS_THUMBPRINT, type RenderFormat, type RoleSetup } from './render/role_setup.js';
export { createOidcProviderCommand } from './render/oidc_provider_command.js';
export { decodeJwtClaims } from './simulate/decode_jwt_claims.js';
export { simulationRequest, type SimulationInput } from './simulate/simulation_request.js';
