/**
 * The database as Kysely sees it. Portable types only: text, integer, and JSON kept in text columns;
 * timestamps are ISO-8601 UTC strings with milliseconds (they sort as text on both dialects);
 * booleans are integers 0/1.
 */
export interface TenantsTable {
  id: string;
  name: string;
  signing_algorithm: string;
  created_at: string;
}

export interface SigningKeysTable {
  tenant_id: string;
  kid: string;
  alg: string;
  public_jwk: string;
  /** AES-256-GCM under the master key, bound to (tenant, kid); never leaves the issuer room decrypted. */
  private_key_ciphertext: string;
  /** The AWS KMS key that holds the private key (custody `kms`; then `private_key_ciphertext` is empty), else null. */
  kms_key_arn: string | null;
  /** Published in the JWKS from here; may sign once published for one JWKS cache lifetime. */
  created_at: string;
  /** Started signing (null: a pre-published next key). */
  activated_at: string | null;
  /** Stopped signing; stays published for the longest token lifetime + skew + one cache lifetime. */
  retired_at: string | null;
  /** Emergency revoke: unpublished at once. */
  revoked_at: string | null;
}

export interface TokenConfigsTable {
  tenant_id: string;
  name: string;
  audience: string;
  subject_template: string;
  lifetime_seconds: number;
  claims: string;
  session_tags: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkloadsTable {
  id: string;
  tenant_id: string;
  deployment: string;
  component: string;
  /** '' when the workload has no region, so the identity triple stays unique in SQL. */
  region: string;
  /** SHA-256 of the secret, hex; the secret itself is shown once and never stored. */
  secret_hash: string;
  created_at: string;
  disabled_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  /** null: the key works for every tenant. */
  tenant_id: string | null;
  name: string;
  role: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  occurred_at: string;
  tenant_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  request_id: string | null;
  details: string;
}

/** A single-use set-up code and, once exchanged, its set-up session (migration 004). Secrets only as SHA-256 hex. */
export interface SetupCodesTable {
  id: string;
  tenant_id: string;
  token_config: string;
  /** Optional pin: `workload:<id>`, `tenant`, or comma-joined `deployment:<d>`, `component:<c>`, `region:<r>` (canonical order). */
  scope: string | null;
  /** Optional pin: the connection name set-up may create. */
  connection: string | null;
  code_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  /** Set once, atomically, when the code is exchanged; a used code never works again. */
  used_at: string | null;
  session_hash: string | null;
  session_expires_at: string | null;
}

/** One row per cluster job: who ran it last and when (migration 009). */
export interface ClusterJobsTable {
  name: string;
  holder: string;
  last_run_at: string;
}

/** PostgreSQL only: changes to watched tables, written by triggers (migration 009); pruned after minutes. */
export interface ClusterChangesTable {
  seq: string;
  topic: string;
  tenant_id: string | null;
  tx_id: string;
  created_at: string;
}

/** A sign-in in progress (migration 005): what the callback checks. Single use, minutes long. */
export interface OperatorSignInsTable {
  state_hash: string;
  code_verifier: string;
  nonce: string;
  redirect_uri: string;
  return_to: string;
  /** `rolebridge login`: the loopback URL the session is handed to, and the CLI's S256 challenge. */
  cli_redirect: string | null;
  cli_challenge: string | null;
  created_at: string;
  expires_at: string;
}

/** An operator's session after IdP sign-in (migration 005): roles as signed in, idle and absolute expiry. */
export interface OperatorSessionsTable {
  id: string;
  token_hash: string;
  csrf_hash: string;
  /** JSON `{type: "user", sub, email?, issuer}`. */
  actor: string;
  /** JSON `[{role, tenant?}]`. */
  grants: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ended_at: string | null;
  /** `rolebridge login`: a one-time code the CLI exchanges for the session token (with its PKCE verifier). */
  handoff_hash: string | null;
  handoff_challenge: string | null;
  handoff_expires_at: string | null;
}

/** One row (`id = 'master'`): the master key's verifier, and the target of an unfinished rewrap (migration 010). */
export interface MasterKeyVerifierTable {
  id: string;
  verifier: string;
  rewrap_verifier: string | null;
  updated_at: string;
}

export interface Database {
  tenants: TenantsTable;
  signing_keys: SigningKeysTable;
  token_configs: TokenConfigsTable;
  workloads: WorkloadsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  setup_codes: SetupCodesTable;
  master_key_verifier: MasterKeyVerifierTable;
  cluster_jobs: ClusterJobsTable;
  cluster_changes: ClusterChangesTable;
  operator_sign_ins: OperatorSignInsTable;
  operator_sessions: OperatorSessionsTable;
}
