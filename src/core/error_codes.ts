/**
 * Every stable error code rolebridge answers with: the HTTP status it comes with and what it means, in one line.
 * Callers, scripts and acceptance checks match on these strings, so an existing code never changes. A new code is
 * one line here first (RolebridgeError accepts nothing else); docs/errors.md is generated from this list and
 * test/core/error_codes.test.ts fails until it is regenerated.
 *
 * `status` is the status the code is answered with; a few codes are answered with more than one (the first is the
 * usual one). Codes of the CLI and of start-up carry 400 (exit 2) or 503 (exit 1) like any other.
 */
export const ERROR_CODES = {
  // The request itself (the server's envelope, before any route runs)
  invalid_request: { status: 400, meaning: 'The body, path or query does not match the route\'s schema; `details.errors` lists each issue.' },
  bad_request: { status: 400, meaning: 'A malformed request the framework refused (the message says how).' },
  invalid_json: { status: 400, meaning: 'The body (or a policy document) is not valid JSON.' },
  duplicate_key: { status: 400, meaning: 'A policy document names the same JSON key twice.' },
  invalid_content_length: { status: 400, meaning: 'Content-Length does not match the body.' },
  invalid_characters: { status: 400, meaning: 'The path, query or body holds a NUL byte.' },
  json_too_deep: { status: 400, meaning: 'The body nests deeper than 32 levels.' },
  invalid_url: { status: 400, meaning: 'The URL is malformed.' },
  malformed_request: { status: 400, meaning: "The HTTP request is malformed (node's parser refused it)." },
  request_timeout: { status: 408, meaning: 'The request took too long to arrive.' },
  payload_too_large: { status: 413, meaning: 'The body is larger than 256 KiB.' },
  path_parameter_too_long: { status: 414, meaning: 'A path segment is longer than 2048 characters.' },
  unsupported_media_type: { status: 415, meaning: 'The body is not sent as application/json.' },
  headers_too_large: { status: 431, meaning: 'The request line or headers are larger than 16 KiB.' },
  route_not_found: { status: 404, meaning: 'No route has this method and path.' },
  console_not_built: { status: 404, meaning: 'The web console was not built (`npm run build`).' },
  setup_cli_not_built: { status: 404, meaning: 'The downloadable set-up CLI was not built on this server (`npm run build`).' },
  setup_cli_version_not_found: { status: 404, meaning: 'This server serves another version of the set-up CLI (`GET /setup/latest` names it).' },
  internal_error: { status: 500, meaning: 'An unexpected error; logged, never detailed in the answer.' },
  database_unavailable: { status: 503, meaning: 'The database is unreachable; retry shortly.' },
  concurrent_change: { status: 409, meaning: 'Another request changed the same resource at the same time; read it again and retry.' },
  migration_failed: { status: 503, meaning: 'A database migration failed at start.' },
  database_in_use: { status: 409, meaning: 'Another server already uses this SQLite database (SQLite serves one process).' },

  // Who is calling (src/access)
  unauthenticated: { status: 401, meaning: 'No credential was sent where one is required.' },
  invalid_credentials: { status: 401, meaning: 'The API key, workload secret, session or set-up code is not valid.' },
  invalid_token: { status: [401, 400], meaning: "An IdP token was refused (`details.reason`), or (400) a token given to simulate is not a JWT." },
  session_expired: { status: 401, meaning: 'The operator session has ended; sign in again.' },
  invalid_handoff: { status: 401, meaning: "The CLI sign-in code is unknown, used or expired." },
  not_a_session: { status: 401, meaning: 'Only a session can sign out (an API key is revoked instead).' },
  setup_code_used: { status: 401, meaning: 'The set-up code was already exchanged.' },
  setup_code_expired: { status: 401, meaning: 'The set-up code expired.' },
  setup_session_expired: { status: 401, meaning: 'The set-up session expired; ask for a new set-up code.' },
  sign_in_refused: { status: 401, meaning: 'The identity provider refused the console sign-in.' },
  sign_in_failed: { status: 401, meaning: 'The console sign-in could not be completed with the identity provider.' },
  forbidden: { status: 403, meaning: "The caller's role does not hold the permission this route needs." },
  tenant_forbidden: { status: 403, meaning: 'The caller has no role in this tenant.' },
  no_role: { status: 403, meaning: 'The IdP token grants no rolebridge role.' },
  csrf_failed: { status: 403, meaning: 'A change made with the session cookie lacks the X-CSRF-Token header.' },
  setup_scope_forbidden: { status: 403, meaning: 'A set-up session may not call this route, tenant or resource.' },
  connection_not_in_tenant: { status: 403, meaning: "A workload asked for another tenant's connection." },
  idp_not_configured: { status: 404, meaning: 'No identity provider is configured for operator sign-in.' },
  idp_unavailable: { status: 503, meaning: "The identity provider's discovery document cannot be fetched now." },
  invalid_sign_in: { status: 400, meaning: 'The sign-in callback is missing its state.' },
  invalid_return_to: { status: 400, meaning: 'returnTo is not a path on this server.' },
  invalid_cli_redirect: { status: 400, meaning: 'cli_redirect is not an http://127.0.0.1:<port>/ URL.' },
  api_key_not_found: { status: 404, meaning: 'No API key with that id.' },
  last_admin_key: { status: 409, meaning: 'The last admin key for every tenant cannot be revoked.' },
  invalid_ttl: { status: 400, meaning: 'A set-up code lifetime out of range.' },
  invalid_scope: { status: 400, meaning: 'A set-up scope that is not workload:<id>, deployment:<d>[,component:<c>] or tenant.' },
  invalid_connection_name: { status: 400, meaning: 'A connection name that is not 1–63 of [a-z0-9-].' },
  invalid_configuration: { status: 400, meaning: 'A configuration value is invalid (the message names the variable).' },

  // Tenants, token configs, workloads, keys, tokens (src/issuer)
  invalid_tenant_id: { status: 400, meaning: 'A tenant id that is not 3–63 of [a-z0-9-].' },
  invalid_tenant_name: { status: 400, meaning: 'A tenant name of the wrong length.' },
  tenant_exists: { status: 409, meaning: 'A tenant with that id exists (ids are never reused).' },
  tenant_not_found: { status: 404, meaning: 'No tenant with that id.' },
  invalid_signing_algorithm: { status: 400, meaning: 'A signing algorithm other than ES256 or RS256.' },
  invalid_token_config_name: { status: 400, meaning: 'A token config name that is not 1–63 of [a-z0-9-].' },
  invalid_audience: { status: 400, meaning: 'An audience that is not 1–255 printable ASCII characters without spaces.' },
  invalid_lifetime: { status: 400, meaning: 'A token lifetime out of range.' },
  invalid_subject_template: { status: 400, meaning: 'A subject template with an unknown placeholder or bad syntax.' },
  invalid_attribute_value: { status: 400, meaning: 'A workload attribute (deployment, component, region) with characters a subject cannot hold.' },
  invalid_claim_name: { status: 400, meaning: 'A static claim name that is not 1–128 of letters, digits and _ . : / -.' },
  reserved_claim: { status: 400, meaning: 'A static claim rolebridge sets itself (iss, sub, aud, exp, …).' },
  claims_too_large: { status: 400, meaning: 'Static claims larger than allowed.' },
  invalid_session_tags: { status: 400, meaning: 'Session tags AWS would refuse; `details.rule` names the rule.' },
  token_config_exists: { status: 409, meaning: 'The tenant already has a token config with that name.' },
  token_config_not_found: { status: 404, meaning: 'The tenant has no token config with that name.' },
  token_config_required: { status: 400, meaning: "The tenant has several token configs and none named 'default'; name one." },
  no_token_config: { status: 503, meaning: 'The tenant has no token config yet.' },
  audience_not_allowed: { status: 400, meaning: 'The token config issues tokens for another audience.' },
  workload_exists: { status: 409, meaning: 'A workload with this deployment, component and region exists.' },
  workload_not_found: { status: 404, meaning: 'The tenant has no workload with that id.' },
  workload_disabled: { status: 422, meaning: 'The workload is disabled.' },
  subject_value_missing: { status: 422, meaning: 'The subject template uses a value this workload does not have.' },
  subject_too_long: { status: 422, meaning: 'The rendered subject is longer than AWS accepts.' },
  token_too_large: { status: 400, meaning: 'A token too large for KMS to sign; reduce its claims.' },
  signing_key_not_found: { status: 404, meaning: 'No published signing key with that kid.' },
  rotation_not_ready: { status: 409, meaning: 'The next key has not been published for one JWKS cache lifetime yet.' },
  next_key_not_accepted: { status: 409, meaning: 'The rotation canary: AWS refused a token signed by the next key for a connection, so the current key keeps signing.' },
  next_key_not_published: { status: 409, meaning: "The published JWKS does not list the next key yet (ROLEBRIDGE_ISSUER_PUBLISHED)." },
  published_jwks_unreachable: { status: 503, meaning: 'The published JWKS could not be read, so no key is promoted.' },
  concurrent_key_change: { status: 409, meaning: 'The keys changed while this change was prepared; retry.' },
  no_signing_key: { status: 503, meaning: 'The tenant has no active signing key.' },
  signing_key_unreadable: { status: 503, meaning: 'The signing key cannot be opened (wrong master key or a modified row; see /readyz).' },
  signer_stopped: { status: 503, meaning: 'The signing thread stopped.' },
  shutting_down: { status: 503, meaning: 'This replica is draining before it stops; retry on another replica.' },
  audit_unavailable: { status: 503, meaning: 'Issued tokens are not being audited fast enough (the audit buffer is full); retry shortly.' },
  database_closed: { status: 503, meaning: 'The audit writer is closed (the server is stopping).' },
  audit_writer_stopped: { status: 503, meaning: 'The audit writer thread stopped; the server is not serving tokens it cannot audit.' },
  kms_not_configured: { status: 503, meaning: 'A key is held in AWS KMS but KMS custody is not configured.' },
  kms_unavailable: { status: 503, meaning: 'KMS could not sign or create a key now.' },
  kms_throttled: { status: 503, meaning: 'KMS is throttling Sign requests; retry shortly.' },
  kms_access_denied: { status: 503, meaning: 'rolebridge may not use the KMS key (kms:Sign denied).' },
  signing_key_disabled: { status: 503, meaning: 'The KMS signing key is disabled.' },
  signing_key_deleted: { status: 503, meaning: 'The KMS signing key no longer exists.' },
  signing_key_unusable: { status: 503, meaning: 'The KMS signing key cannot sign in its current state.' },
  master_key_missing: { status: 400, meaning: 'No ROLEBRIDGE_MASTER_KEY, but the database holds keys sealed under one (refuses to start).' },
  master_key_mismatch: { status: 400, meaning: "ROLEBRIDGE_MASTER_KEY is not the key this database's signing keys are sealed under." },
  master_key_changed: { status: 503, meaning: 'The signing keys were resealed under another master key; restart with it.' },
  master_key_unchanged: { status: 400, meaning: 'The new master key is the current one; nothing to rewrap.' },
  master_key_rewrap_conflict: { status: 400, meaning: 'The master key changed while the rewrap started; run it again.' },
  master_key_rewrap_unfinished: { status: 400, meaning: 'A master-key rewrap is unfinished; finish it first.' },
  invalid_master_key: { status: 500, meaning: 'The master key is not 32 bytes (never shown to a caller).' },
  invalid_issuer_url: { status: 400, meaning: 'Not an issuer URL (expected https://host/path).' },
  invalid_s3_url: { status: 400, meaning: 'Not s3://bucket[/prefix].' },

  // Connections and the credentials path (src/connections, src/broker, src/aws)
  invalid_role_arn: { status: 400, meaning: 'Not an IAM role ARN.' },
  invalid_region: { status: 400, meaning: 'Not an AWS region.' },
  invalid_chain: { status: 400, meaning: 'A role chain of the wrong shape or length.' },
  invalid_duration: { status: 400, meaning: 'A session duration out of range.' },
  invalid_session_name: { status: 400, meaning: 'A role session name AWS would refuse.' },
  invalid_session_policy: { status: 400, meaning: 'A session policy that is not a policy document of at most 2,048 characters.' },
  invalid_external_id: { status: 400, meaning: 'An external id AWS would refuse.' },
  invalid_token_config: { status: 400, meaning: 'A token config name that is not valid here.' },
  connection_exists: { status: 409, meaning: 'The tenant already has a connection with that name.' },
  connection_not_found: { status: 404, meaning: 'The tenant has no connection with that name.' },
  no_workload_to_verify: { status: 422, meaning: 'No workload whose token could verify the connection; create one, or save with verify: false.' },
  role_not_assumable: { status: 422, meaning: "Verify-before-save: STS refused the role; the doctor's diagnosis is in details." },
  access_denied: { status: 403, meaning: 'STS refused the identity (trust policy, provider, audience or token).' },
  sts_validation_failed: { status: 422, meaning: 'STS rejected a parameter (duration, session name, policy).' },
  sts_unavailable: { status: 503, meaning: 'STS was unreachable, throttled or failed on its side; retry later.' },

  // The doctor
  test_workload_required: { status: 400, meaning: 'Name the workload whose identity to test.' },

  // Database IAM auth (src/db_auth)
  feature_disabled: { status: 403, meaning: 'Database IAM authentication is not enabled (ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH).' },
  invalid_db_auth_request: { status: 400, meaning: 'A database auth request with a missing or invalid field.' },
  db_access_denied: { status: 403, meaning: 'AWS refused the database credential request.' },
  db_resource_not_found: { status: 404, meaning: 'The database, cluster or workgroup does not exist.' },
  db_request_rejected: { status: 422, meaning: 'AWS rejected the database credential request.' },
  db_service_unavailable: { status: 503, meaning: 'The database service was unreachable or failed; retry later.' },

  // The policy engine (src/policy)
  policy_not_object: { status: 400, meaning: 'A policy document that is not a JSON object.' },
  unknown_element: { status: 400, meaning: 'A top-level policy element other than Version, Id and Statement.' },
  invalid_version: { status: 400, meaning: 'A policy Version other than 2012-10-17 or 2008-10-17.' },
  missing_statement: { status: 400, meaning: 'A policy without Statement.' },
  statement_not_object: { status: 400, meaning: 'A statement that is not a JSON object.' },
  invalid_effect: { status: 400, meaning: 'An Effect other than Allow or Deny.' },
  conflicting_elements: { status: 400, meaning: 'A statement with both an element and its Not form.' },
  missing_action: { status: 400, meaning: 'A statement with neither Action nor NotAction.' },
  invalid_principal: { status: 400, meaning: 'A Principal that is neither "*" nor an object of principal types.' },
  invalid_element_value: { status: 400, meaning: 'An element that is not a string or an array of strings.' },
  invalid_condition: { status: 400, meaning: 'A Condition that is not an object of operators.' },
  unknown_condition_operator: { status: 400, meaning: 'An unknown condition operator.' },
  invalid_condition_value: { status: 400, meaning: 'A condition value that is not a string, number or boolean.' },
  claims_or_token_required: { status: 400, meaning: 'Give exactly one of claims or token.' },
  missing_issuer: { status: 400, meaning: 'The claims have no iss; give the issuer.' },
  missing_account_id: { status: 400, meaning: 'A trust policy needs the AWS account id or the provider ARN.' },
  missing_audience: { status: 400, meaning: 'A trust policy must pin at least one audience.' },
  invalid_subject_pattern: { status: 400, meaning: 'A trust policy must pin sub to a pattern with a fixed start.' },
  invalid_subject_scope: { status: 400, meaning: 'A subject scope value that is empty or holds * or ?.' },
  unknown_format: { status: 400, meaning: 'An output format other than json, terraform, cloudformation or cli.' },
  unknown_permission_template: { status: 400, meaning: 'An unknown permission template.' },
  missing_template_parameter: { status: 400, meaning: 'A permission template parameter is missing.' },

  // Guided set-up and the CLI (src/setup, src/cli)
  aws_credentials_unusable: { status: 400, meaning: 'Set-up cannot tell which AWS identity to use.' },
  missing_aws_permissions: { status: 403, meaning: 'The AWS identity set-up runs as lacks IAM permissions; details list them.' },
  aws_call_failed: { status: 502, meaning: "An AWS call of set-up failed; the message is AWS's own." },
  invalid_trust_statement: { status: 400, meaning: "rolebridge's trust statement needs its Sid prefix." },
  unreadable_trust_policy: { status: 400, meaning: "The role's trust policy is not valid JSON; fix it by hand first." },
  invalid_managed_policy: { status: 400, meaning: 'Not an IAM managed policy ARN.' },
  unknown_managed_policy: { status: 400, meaning: 'No such managed policy in this account or among AWS\'s.' },
  invalid_bearer_token: { status: 400, meaning: 'A token that is not a single word of printable ASCII.' },
  unreadable_token_file: { status: 400, meaning: 'The admin token file cannot be read.' },
  port_in_use: { status: 400, meaning: 'The port is already in use.' },
  port_not_permitted: { status: 400, meaning: 'Not allowed to listen on that port.' },
  host_not_available: { status: 400, meaning: 'No such local address to listen on.' },
} as const satisfies Record<string, ErrorCodeEntry>;

export interface ErrorCodeEntry {
  /** The HTTP status (or statuses, the usual one first) the code is answered with. */
  readonly status: number | readonly [number, ...number[]];
  /** What it means, in one line. */
  readonly meaning: string;
}

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

/** Every status a code is answered with. */
export function errorCodeStatuses(code: ErrorCode): readonly number[] {
  const { status } = ERROR_CODES[code] as ErrorCodeEntry;
  return typeof status === 'number' ? [status] : status;
}
