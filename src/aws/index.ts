export { createStsClient, type StsClientOptions, type SigningCredentials } from './sts_client.js';
export { StsCallError, stsCallErrorFrom, type StsFailure } from './sts_call_error.js';
export type { TemporaryCredentials } from './temporary_credentials.js';
export {
  createRoleChainRunner,
  type ChainHop,
  type ChainStep,
  type RoleChain,
  type RoleChainResult,
  type RoleChainRunner,
  type RoleChainRunnerOptions,
  type StsCallObserver,
  type WebIdentity,
} from './broker/role_chain.js';
export { sessionNameFor, SESSION_NAME_PATTERN } from './broker/session_name.js';
export { CredentialCache, type CacheAnswer, type CacheHealth, type CacheOutcome, type CredentialCacheOptions, type Expiring } from './broker/credential_cache.js';
export { credentialCacheKey } from './broker/cache_key.js';
export { createBrokerMetrics, noBrokerMetrics, type BrokerMetrics } from './broker/broker_metrics.js';
export type { BrokerConnection } from './broker/broker_connection.js';
export type { BrokerWorkload, MintedToken, TokenSource } from './broker/token_source.js';
export {
  createCredentialBroker,
  type BrokeredCredentials,
  type BrokeredSession,
  type CredentialBroker,
  type CredentialBrokerOptions,
  type ExchangeListener,
} from './broker/credential_broker.js';
export type { ConnectionInput, ConnectionHopInput } from './connections/connection_input.js';
export { validateConnection, CHAINED_DURATION_MESSAGE, type ValidConnectionSettings } from './connections/validate_connection.js';
export {
  verifyConnection,
  type Diagnose,
  type VerificationFailure,
  type VerificationResult,
  type VerifyDeps,
  type VerifyRetryOptions,
} from './connections/verify_connection.js';
export { connectionView, brokerConnectionOf, type ConnectionView } from './connections/connection_view.js';
export { createConnection, type ConnectionServiceDeps, type CreatedConnection } from './connections/create_connection.js';
export { issuerTokenSource, type TokenIssuer } from './broker/issuer_token_source.js';
export { ConnectionLookup } from './connections/connection_lookup.js';
export { createBrokerServices, type BrokerServices, type BrokerServicesOptions, type StsReadinessResult } from './broker_services.js';
export * from './db_auth/index.js';
export { parseSetupScope, formatSetupScope, type SetupScope } from './setup/setup_scope.js';
export { trustStatementForScope, sidFor, type TrustStatementInput } from './setup/trust_statement_for_scope.js';
export { createAwsSetupClients, type AwsSetupClients, type AwsSetupClientOptions } from './setup/aws_setup_clients.js';
export { RolebridgeApiClient, RolebridgeApiError, type RemoteConnection } from './setup/rolebridge_api_client.js';
export { prepareSetup, type PreparedSetup, type SetupRequest } from './setup/prepare_setup.js';
export { applySetup, type ApplyOutcome, type ApproveChange } from './setup/apply_setup.js';
export { bindConnection, type BindRequest, type BoundConnection } from './setup/bind_connection.js';
export { describeSetupPlan } from './setup/describe_setup_plan.js';
export { chainTrustStatement, hasPlannedChanges, planSetup, PERMISSION_POLICY_NAME, type AccountState, type DesiredSetup } from './setup/plan_setup.js';
export { mergeTrustStatement, ROLEBRIDGE_SID_PREFIX } from './setup/merge_trust_statement.js';
export { permissionPolicyForTemplates } from './setup/permission_policy_for_templates.js';
export { managedPolicyArn } from './setup/managed_policy_arns.js';
export { MissingAwsPermissionsError, AwsSetupCallError, type PermissionNeed } from './setup/setup_errors.js';
export type { SetupChange, ChangeStatus, SetupOperation } from './setup/setup_change.js';
export { provisionDemoRole, type DemoRoleInput } from './provision_demo_role.js';
export * from './doctor/index.js';
