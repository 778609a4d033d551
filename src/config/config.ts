import { InvalidInputError } from '../core/index.js';

/** Everything rolebridge reads from its environment, typed and validated once at start. */
export interface Config {
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…` */
  databaseUrl: string;
  /** Issuer URL per tenant; `{tenant}` sits in the host or the path. */
  issuerTemplate: string;
  /** False when the template is the default derived from PORT (the server fills in the real port when PORT=0). */
  issuerTemplateExplicit: boolean;
  /** 32-byte key that encrypts private signing keys at rest; undefined = generate into the data dir (dev). */
  masterKey: Buffer | undefined;
  /** Where generated files (master key, SQLite database) live. */
  dataDir: string;
  host: string;
  port: number;
  /** Bootstrap admin API key; undefined = generate on first start and print once. */
  adminToken: string | undefined;
  features: { awsDatabaseIamAuth: boolean };
  /** JWKS and discovery `Cache-Control: max-age`, and the minimum pre-publication time of a new key. */
  jwksMaxAgeSeconds: number;
  /** Scheduled signing-key rotation interval. */
  keyRotationIntervalSeconds: number;
  /**
   * When set, `/metrics` answers only `Authorization: Bearer <token>`: its series name tenants, connections and
   * the doctor's verdicts, and the server is usually public (AWS fetches the JWKS from it).
   */
  metricsToken: string | undefined;
  /** How often the doctor re-tests every connection (drift watch); 0 turns it off. */
  driftWatchIntervalSeconds: number;
  logLevel: string;
  /** PostgreSQL: connections per replica (the change feed holds one more); size `max_connections` for all replicas. */
  databasePoolSize: number;
  /** PostgreSQL: `statement_timeout` of every pooled connection in ms (0: none), so a stuck query cannot hold a request forever. */
  databaseStatementTimeoutMs: number;
  /**
   * ROLEBRIDGE_AUDIT_BUFFER_LIMIT: at most this many `token.issued` events are ever not yet in the database; past it
   * the token endpoint answers 503 `audit_unavailable`. The most a crash can lose.
   */
  auditBufferLimit: number;
  /** ROLEBRIDGE_KEY_CUSTODY: `local` (sealed under the master key) or `kms` (new keys are made in AWS KMS). */
  keyCustody: 'local' | 'kms';
  /** ROLEBRIDGE_KMS_REGION, else AWS_REGION; undefined leaves it to the SDK. */
  kmsRegion: string | undefined;
  /**
   * ROLEBRIDGE_ISSUER_PUBLISHED: the issuer URLs are served by a published static copy (`rolebridge publish`);
   * a rotation promotes a key only once that copy lists it.
   */
  issuerPublished: boolean;
  /**
   * ROLEBRIDGE_ROTATION_CANARY: before a next key is promoted, AWS must accept a token it signs, exchanged through
   * every connection of the tenant (`all`, the default), none (`off`), or only the tenant's connection of one
   * name (tenants without one are probed through all of theirs).
   */
  rotationCanary: 'all' | 'off' | { connection: string };
  /** Operator sign-in from an external IdP (`ROLEBRIDGE_AUTH_JWT_*`); undefined: API keys only. */
  operatorAuth: OperatorAuthConfig | undefined;
}

/** How bearer tokens of the platform's own IdP (Cognito, Okta, Entra ID, Keycloak…) are verified. */
export interface OperatorAuthConfig {
  /** Compared byte for byte with `iss`; discovery at `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** An ID token's `aud`, or an access token's `client_id`; the first is the console's client id. */
  audiences: string[];
  /** Default: the discovery document's `jwks_uri`. */
  jwksUrl: string | undefined;
  /** Asymmetric algorithms only (never `none` or HS*). */
  algorithms: string[];
  /** A claim holding the security context, as an object or a JSON string (Cognito's pre-token-generation trigger). */
  claimsNamespace: string | undefined;
  /** Claim name of the roles: inside the namespace when it is there, else at the top level. */
  rolesClaim: string;
  /** The console's client secret for the authorization-code sign-in (PKCE is always used). */
  clientSecret: string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export const DEFAULT_DATABASE_URL = 'sqlite:./.rolebridge/rolebridge.db';
export const DEFAULT_ISSUER_TEMPLATE = 'http://127.0.0.1:8080/t/{tenant}';

function invalid(variable: string, reason: string): InvalidInputError {
  return new InvalidInputError('invalid_configuration', `${variable}: ${reason}`, { variable });
}

function parseBoolean(variable: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw invalid(variable, `expected true or false, got '${value}'`);
}

function parseInteger(variable: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw invalid(variable, `expected a whole number, got '${value}'`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw invalid(variable, `must be between ${min} and ${max}`);
  return parsed;
}

export function parseMasterKey(value: string, variable = 'ROLEBRIDGE_MASTER_KEY'): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    throw invalid(variable, 'must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  }
  return key;
}

export const ADMIN_TOKEN_MIN_LENGTH = 24;
const ADMIN_TOKEN_MIN_DISTINCT = 10;

/**
 * The bootstrap admin token has every right: a short or repetitive one (a word, `aaaa…`) is refused at start.
 * Length and distinct characters are what can be judged without a dictionary; the message says how to make one.
 */
export function parseAdminToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const distinct = new Set(value).size;
  if (value.length < ADMIN_TOKEN_MIN_LENGTH || distinct < ADMIN_TOKEN_MIN_DISTINCT || /\s/.test(value)) {
    throw invalid(
      'ROLEBRIDGE_ADMIN_TOKEN',
      `too weak for a key with every right (${value.length} characters, ${distinct} distinct): use at least ${ADMIN_TOKEN_MIN_LENGTH} random characters without spaces, e.g. \`openssl rand -base64 32\``,
    );
  }
  return value;
}

function parseKeyCustody(value: string | undefined): 'local' | 'kms' {
  if (value === undefined || value === '' || value === 'local') return 'local';
  if (value === 'kms') return 'kms';
  throw invalid('ROLEBRIDGE_KEY_CUSTODY', `expected local or kms, got '${value}'`);
}

export function validateIssuerTemplate(template: string): string {
  let url: URL;
  try {
    url = new URL(template.replace('{tenant}', 'tenant-placeholder'));
  } catch {
    throw invalid('ROLEBRIDGE_ISSUER_TEMPLATE', `not a URL: '${template}'`);
  }
  if (template.split('{tenant}').length !== 2) {
    throw invalid('ROLEBRIDGE_ISSUER_TEMPLATE', 'must contain {tenant} exactly once');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('ROLEBRIDGE_ISSUER_TEMPLATE', 'must be http(s)');
  if (url.search || url.hash) throw invalid('ROLEBRIDGE_ISSUER_TEMPLATE', 'must not have a query or fragment');
  if (template.endsWith('/')) throw invalid('ROLEBRIDGE_ISSUER_TEMPLATE', 'must not end with / (the issuer is compared byte for byte)');
  return template;
}

const ASYMMETRIC_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `ROLEBRIDGE_AUTH_JWT_*`; undefined when no issuer is set (external sign-in off). */
export function parseOperatorAuth(env: Environment): OperatorAuthConfig | undefined {
  const issuer = env.ROLEBRIDGE_AUTH_JWT_ISSUER;
  if (issuer === undefined || issuer === '') return undefined;
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw invalid('ROLEBRIDGE_AUTH_JWT_ISSUER', `not a URL: '${issuer}'`);
  }
  if (issuerUrl.protocol !== 'https:' && !(issuerUrl.protocol === 'http:' && isLoopbackHost(issuerUrl.hostname))) {
    throw invalid('ROLEBRIDGE_AUTH_JWT_ISSUER', 'must be https (http only on a loopback host)');
  }
  const audiences = commaList(env.ROLEBRIDGE_AUTH_JWT_AUDIENCE ?? '');
  if (audiences.length === 0) {
    throw invalid('ROLEBRIDGE_AUTH_JWT_AUDIENCE', 'required with ROLEBRIDGE_AUTH_JWT_ISSUER: the app client id(s) your tokens are issued to');
  }
  const jwksUrl = env.ROLEBRIDGE_AUTH_JWT_JWKS_URL || undefined;
  if (jwksUrl !== undefined) {
    try {
      new URL(jwksUrl);
    } catch {
      throw invalid('ROLEBRIDGE_AUTH_JWT_JWKS_URL', `not a URL: '${jwksUrl}'`);
    }
  }
  const algorithms = commaList(env.ROLEBRIDGE_AUTH_JWT_ALGS || 'RS256,ES256');
  for (const algorithm of algorithms) {
    if (!ASYMMETRIC_ALGORITHMS.has(algorithm)) {
      throw invalid('ROLEBRIDGE_AUTH_JWT_ALGS', `'${algorithm}' is not an asymmetric JWS algorithm (${[...ASYMMETRIC_ALGORITHMS].join(', ')})`);
    }
  }
  return {
    issuer,
    audiences,
    jwksUrl,
    algorithms,
    claimsNamespace: env.ROLEBRIDGE_AUTH_JWT_CLAIMS_NAMESPACE || undefined,
    rolesClaim: env.ROLEBRIDGE_AUTH_JWT_ROLES_CLAIM || 'roles',
    clientSecret: env.ROLEBRIDGE_AUTH_JWT_CLIENT_SECRET || undefined,
  };
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** `all` (default), `off`, or a connection name (`[a-z0-9-]`, as connections are named). */
function parseRotationCanary(value: string | undefined): Config['rotationCanary'] {
  if (value === undefined || value === '' || value === 'all') return 'all';
  if (value === 'off') return 'off';
  if (/^[a-z0-9](?:[a-z0-9-]{0,62})$/.test(value)) return { connection: value };
  throw invalid('ROLEBRIDGE_ROTATION_CANARY', `expected 'all', 'off' or a connection name ([a-z0-9-]), got '${value}'`);
}

export function dataDirFor(databaseUrl: string, env: Environment): string {
  if (env.ROLEBRIDGE_DATA_DIR) return env.ROLEBRIDGE_DATA_DIR;
  const match = /^sqlite:(.+)$/.exec(databaseUrl);
  if (match && match[1] !== ':memory:') {
    const path = match[1] as string;
    const slash = path.lastIndexOf('/');
    return slash > 0 ? path.slice(0, slash) : '.';
  }
  return './.rolebridge';
}

/**
 * Reads the configuration; `overrides` are CLI flags of the same meaning, which win over the environment.
 * Throws InvalidInputError `invalid_configuration` naming the variable at fault.
 */
export function loadConfig(env: Environment = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = overrides.databaseUrl ?? env.ROLEBRIDGE_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw invalid('ROLEBRIDGE_DATABASE_URL', "expected 'sqlite:<path>', 'sqlite::memory:' or 'postgres://…'");
  }
  const masterKeyText = env.ROLEBRIDGE_MASTER_KEY;
  const port = overrides.port ?? parseInteger('PORT', env.PORT, 8080, 0, 65535);
  const explicitTemplate = overrides.issuerTemplate ?? (env.ROLEBRIDGE_ISSUER_TEMPLATE || undefined);
  return {
    databaseUrl,
    issuerTemplate: validateIssuerTemplate(explicitTemplate ?? DEFAULT_ISSUER_TEMPLATE.replace('8080', String(port))),
    issuerTemplateExplicit: explicitTemplate !== undefined,
    masterKey: overrides.masterKey ?? (masterKeyText ? parseMasterKey(masterKeyText) : undefined),
    dataDir: overrides.dataDir ?? dataDirFor(databaseUrl, env),
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    port,
    adminToken: parseAdminToken(overrides.adminToken ?? (env.ROLEBRIDGE_ADMIN_TOKEN || undefined)),
    features: overrides.features ?? {
      awsDatabaseIamAuth: parseBoolean('ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH', env.ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH, false),
    },
    jwksMaxAgeSeconds: overrides.jwksMaxAgeSeconds ?? parseInteger('ROLEBRIDGE_JWKS_MAX_AGE_SECONDS', env.ROLEBRIDGE_JWKS_MAX_AGE_SECONDS, 300, 0, 86_400),
    keyRotationIntervalSeconds:
      overrides.keyRotationIntervalSeconds ??
      parseInteger('ROLEBRIDGE_KEY_ROTATION_DAYS', env.ROLEBRIDGE_KEY_ROTATION_DAYS, 30, 1, 3650) * 86_400,
    metricsToken: overrides.metricsToken ?? (env.ROLEBRIDGE_METRICS_TOKEN || undefined),
    driftWatchIntervalSeconds:
      overrides.driftWatchIntervalSeconds ??
      parseInteger('ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS', env.ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS, 3600, 0, 30 * 86_400),
    logLevel: overrides.logLevel ?? env.ROLEBRIDGE_LOG_LEVEL ?? 'info',
    databasePoolSize: overrides.databasePoolSize ?? parseInteger('ROLEBRIDGE_DATABASE_POOL_SIZE', env.ROLEBRIDGE_DATABASE_POOL_SIZE, 10, 1, 1000),
    databaseStatementTimeoutMs:
      overrides.databaseStatementTimeoutMs ??
      parseInteger('ROLEBRIDGE_DATABASE_STATEMENT_TIMEOUT_MS', env.ROLEBRIDGE_DATABASE_STATEMENT_TIMEOUT_MS, 0, 0, 3_600_000),
    auditBufferLimit: overrides.auditBufferLimit ?? parseInteger('ROLEBRIDGE_AUDIT_BUFFER_LIMIT', env.ROLEBRIDGE_AUDIT_BUFFER_LIMIT, 10_000, 1, 1_000_000),
    keyCustody: overrides.keyCustody ?? parseKeyCustody(env.ROLEBRIDGE_KEY_CUSTODY),
    kmsRegion: overrides.kmsRegion ?? (env.ROLEBRIDGE_KMS_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined),
    issuerPublished: overrides.issuerPublished ?? parseBoolean('ROLEBRIDGE_ISSUER_PUBLISHED', env.ROLEBRIDGE_ISSUER_PUBLISHED, false),
    rotationCanary: overrides.rotationCanary ?? parseRotationCanary(env.ROLEBRIDGE_ROTATION_CANARY),
    operatorAuth: 'operatorAuth' in overrides ? overrides.operatorAuth : parseOperatorAuth(env),
  };
}
