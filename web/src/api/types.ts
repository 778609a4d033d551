/** The API's answers as the console reads them (the OpenAPI response schemas, by hand; see operations.ts). */

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface Tenant {
  id: string;
  name: string;
  issuer: string;
  signingAlgorithm: 'ES256' | 'RS256';
  createdAt: string;
}

export interface SigningKey {
  kid: string;
  algorithm: string;
  state: 'next' | 'active' | 'retired' | 'revoked';
  published: boolean;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  revokedAt: string | null;
  ageSeconds: number;
}

export interface TokenConfig {
  name: string;
  audience: string;
  subjectTemplate: string;
  lifetimeSeconds: number;
  claims: Record<string, unknown>;
  sessionTags: { principalTags?: Record<string, string>; transitiveTagKeys?: string[] } | null;
  createdAt: string;
}

/** POST …/token-configs/{name}/preview: a token's claims but iat/nbf/exp/jti, and the compact JWT's size in bytes. */
export interface TokenPreview {
  claims: Record<string, unknown>;
  size: number;
}

export interface Workload {
  id: string;
  deployment: string;
  component: string;
  region: string | null;
  subject: string | null;
  createdAt: string;
  disabledAt?: string | null;
  secret?: string;
}

export interface ChainHop {
  roleArn: string;
  externalId?: string;
}

export interface Connection {
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  chain: ChainHop[];
  verified?: boolean;
  verifiedAt?: string | null;
  createdAt?: string;
}

export interface DiagnosisFinding {
  code: string;
  cause: string;
  setting: string;
  actual: string | null;
  expected: string | null;
  fix: string;
}

export interface Diagnosis extends DiagnosisFinding {
  findings: DiagnosisFinding[];
  basis: 'trust_policy' | 'sts_error' | 'inferred';
  confirm?: string;
  correctedStatement?: Record<string, unknown>;
  correctedDocument?: Record<string, unknown>;
  offeredFix?:
    | { status: 'proven'; scope: 'statement' | 'document'; replaces?: string; refusedProbes: string[]; admittedAsBefore: string[] }
    | { status: 'none'; reason: string };
  transient: boolean;
  /** packed_policy_too_large: what went into the packed session (STS's percent, session tags, session policy, the target). */
  packedSize?: Record<string, unknown>;
  sts?: { operation: string; step: number; roleArn: string; code: string; message: string; httpStatus?: number; requestId?: string };
}

export interface TestStep {
  name: string;
  status: 'ok' | 'failed' | 'skipped' | 'warning';
  durationMs?: number;
  detail?: string;
  data?: Record<string, unknown>;
}

export interface Probe {
  probe: 'sibling_component' | 'sibling_deployment' | 'other_tenant' | 'wrong_audience';
  status: 'refused' | 'accepted' | 'skipped' | 'inconclusive';
  subject?: string;
  audience?: string;
  sessionName?: string;
  jti?: string;
  detail?: string;
  stsCode?: string;
  finding?: DiagnosisFinding;
}

export interface ConnectionTestResult {
  ok: boolean;
  testId?: string;
  workload?: string;
  steps: TestStep[];
  diagnosis?: Diagnosis;
  probes: Probe[];
  /** trust_too_broad findings that do not fail the test (the role admits siblings of the same tenant). */
  warnings?: Diagnosis[];
  /** What changed since the previous test (started_failing, probe_accepted, recovered). */
  changes?: Array<Record<string, unknown>>;
}

export interface ConnectionTestRecord {
  id: string;
  testedAt: string;
  trigger: 'manual' | 'schedule' | 'setup' | 'verify';
  ok: boolean;
  diagnosisCode: string | null;
  acceptedProbes: string[];
  durationMs: number;
}

/** GET …/connections/{c}/db-auth: whether database IAM auth is on, and each engine's fields. */
export interface DbAuthInfo {
  enabled: boolean;
  engines: Array<{ engine: string; fields: string[]; required: string[] }>;
}

/** POST …/connections/{c}/db-auth-check: all of a db-auth-token answer but the password. */
export interface DbAuthCheck {
  engine: string;
  username: string;
  passwordLength: number;
  expiresAt: string;
  host?: string;
  port?: number;
}

export interface TrustPolicyAnswer {
  tokenConfig: string;
  scope: string;
  format: string;
  policy: Record<string, unknown>;
  document: string;
}

export interface SetupCode {
  id: string;
  code: string;
  expiresAt: string;
  tenant: string;
  tokenConfig: string;
  scope?: string | null;
  connection?: string | null;
  command: string;
  /** The set-up CLI this server serves as one file; null when it was not built. */
  setupCli: { version: string; file: string; url: string; sha256: string } | null;
  /** Download, check the SHA-256, run: the lines the customer pastes. */
  run: string[];
  /** The AWS CLI path (no Node.js), when the code pins a scope. */
  awsCliScript: string | null;
}

export interface AuditEvent {
  id: string;
  occurredAt: string;
  tenantId: string | null;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface ConditionExplanation {
  path: string;
  operator: string;
  key: string;
  matched: boolean;
  contextValue: string | string[] | null;
  requiredValues: string[];
  explanation: string;
}

export interface StatementExplanation {
  index: number;
  path: string;
  sid?: string;
  effect: 'Allow' | 'Deny';
  applies: boolean;
  principal: { matched: boolean; explanation: string };
  action: { matched: boolean; explanation: string };
  resource: { matched: boolean; explanation: string };
  conditions: ConditionExplanation[];
  explanation: string;
}

export interface PolicyEvaluation {
  decision: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';
  action: string;
  summary: string;
  statements: StatementExplanation[];
}

export interface LintFinding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  path: string;
}

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  actor: unknown;
  roles: Array<{ role: Role; tenant?: string | null }>;
  permissions: string[];
}
