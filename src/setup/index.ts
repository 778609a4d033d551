/**
 * Guided set-up, the customer's side: it runs on the customer's laptop with the customer's AWS credentials,
 * so it reaches rolebridge only over its HTTP API (never the issuer, the store or the server).
 */
export { trustStatementForScope, type TrustStatementInput } from './trust_statement_for_scope.js';
export { createAwsSetupClients, type AwsSetupClients, type AwsSetupClientOptions } from './aws_setup_clients.js';
export { RolebridgeApiClient, RolebridgeApiError, type RemoteConnection } from './rolebridge_api_client.js';
export { prepareSetup, type PreparedSetup, type SetupRequest } from './prepare_setup.js';
export { applySetup, type ApplyOutcome, type ApproveChange } from './apply_setup.js';
export { bindConnection, type BindRequest, type BoundConnection } from './bind_connection.js';
export { describeSetupPlan } from './describe_setup_plan.js';
export { chainTrustStatement, hasPlannedChanges, planSetup, PERMISSION_POLICY_NAME, type AccountState, type DesiredSetup } from './plan_setup.js';
export { mergeTrustStatement } from './merge_trust_statement.js';
export { permissionPolicyForTemplates } from './permission_policy_for_templates.js';
export { managedPolicyArn } from './managed_policy_arns.js';
export type { PermissionNeed } from './setup_errors.js';
export type { SetupChange, ChangeStatus, SetupOperation } from './setup_change.js';
