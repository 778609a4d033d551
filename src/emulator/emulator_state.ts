/**
 * Everything the emulator knows, as plain JSON-able data so that `--state-file` can keep it.
 * Names that IAM treats case-insensitively (roles, users) are keyed by their lower-case form.
 */
// A type alias (not an interface) so tags fit the XmlValue index signature.
export type Tag = {
  Key: string;
  Value: string;
};

export interface OidcProviderRecord {
  /** The URL as created, with its scheme (`https://host/path`). */
  url: string;
  arn: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createDate: string;
}

export interface RoleRecord {
  name: string;
  path: string;
  roleId: string;
  arn: string;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  createDate: string;
  /** Inline policies by name (documents kept as sent). */
  inlinePolicies: Record<string, string>;
  /** ARNs of attached managed policies (AWS managed or the account's own), in attachment order. */
  attachedPolicyArns?: string[];
  /** ARN of the managed policy set as permissions boundary. */
  permissionsBoundaryArn?: string;
  /** When and where a session for the role was last issued (GetRole's RoleLastUsed). */
  lastUsed?: { date: string; region: string };
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  createDate: string;
}

/** A customer managed policy (`arn:aws:iam::<account>:policy/<path><name>`). */
export interface ManagedPolicyRecord {
  name: string;
  path: string;
  policyId: string;
  arn: string;
  description?: string;
  defaultVersionId: string;
  /** Oldest first; IAM keeps at most five. */
  versions: PolicyVersionRecord[];
  /** Number the next version gets (`v<n>`); versions are never renumbered. */
  nextVersion: number;
  tags: Tag[];
  createDate: string;
  updateDate: string;
}

export interface InstanceProfileRecord {
  name: string;
  path: string;
  instanceProfileId: string;
  arn: string;
  /** Lower-case names of the roles in the profile (IAM allows one). */
  roleNames: string[];
  tags: Tag[];
  createDate: string;
}

export interface UserRecord {
  name: string;
  path: string;
  userId: string;
  arn: string;
  tags: Tag[];
  createDate: string;
  inlinePolicies: Record<string, string>;
  /** ARNs of attached managed policies. */
  attachedPolicyArns?: string[];
}

export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** `root` keys act as the account root; user keys as that IAM user. */
  owner: { kind: 'root' } | { kind: 'user'; userName: string };
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** What the web-identity exchange that created a session saw, kept for events and GetCallerIdentity. */
export interface WebIdentityOrigin {
  providerArn: string;
  issuer: string;
  subject: string;
  audience: string;
  jti?: string;
}

export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO-8601 expiration. */
  expiration: string;
  accountId: string;
  roleName: string;
  roleId: string;
  roleArn: string;
  sessionName: string;
  /** True when created by AssumeRole with role-session credentials (capped at one hour). */
  chained: boolean;
  sessionTags: Tag[];
  transitiveTagKeys: string[];
  sourceIdentity?: string;
  /** The `Policy` passed at assume time: the session may do only what both it and the role allow. */
  sessionPolicy?: string;
  webIdentity?: WebIdentityOrigin;
  createDate: string;
}

export interface AccountRecord {
  accountId: string;
  oidcProviders: Record<string, OidcProviderRecord>;
  roles: Record<string, RoleRecord>;
  users: Record<string, UserRecord>;
  /** Customer managed policies by ARN (absent in state files written before they existed). */
  managedPolicies?: Record<string, ManagedPolicyRecord>;
  /** Instance profiles by lower-case name. */
  instanceProfiles?: Record<string, InstanceProfileRecord>;
}

export interface EmulatorState {
  accounts: Record<string, AccountRecord>;
  accessKeys: Record<string, AccessKeyRecord>;
  sessions: Record<string, SessionRecord>;
}

export interface AccountSeed {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A map keyed by names and ids callers choose. Without a prototype, `constructor`, `toString` or
 * `__proto__` are names like any other: an unknown one is absent (NoSuchEntity, InvalidClientTokenId),
 * never a property of Object.prototype, and a role named `__proto__` is stored, not made a prototype.
 */
export function keyedRecords<T>(entries?: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

/** Gives a state read from a file the prototype-free maps a fresh state has (JSON.parse makes plain objects). */
export function withKeyedRecords(state: EmulatorState): EmulatorState {
  state.accounts = keyedRecords(state.accounts);
  state.accessKeys = keyedRecords(state.accessKeys);
  state.sessions = keyedRecords(state.sessions);
  for (const account of Object.values(state.accounts)) {
    account.oidcProviders = keyedRecords(account.oidcProviders);
    account.roles = keyedRecords(account.roles);
    account.users = keyedRecords(account.users);
    account.managedPolicies = keyedRecords(account.managedPolicies);
    account.instanceProfiles = keyedRecords(account.instanceProfiles);
    for (const holder of [...Object.values(account.roles), ...Object.values(account.users)]) holder.inlinePolicies = keyedRecords(holder.inlinePolicies);
  }
  return state;
}

export function emptyState(seeds: readonly AccountSeed[], now: Date): EmulatorState {
  const state: EmulatorState = { accounts: keyedRecords(), accessKeys: keyedRecords(), sessions: keyedRecords() };
  for (const seed of seeds) ensureAccount(state, seed, now);
  return state;
}

/** Adds the account and its admin key when missing (a state file may predate a new `--account-id`). */
export function ensureAccount(state: EmulatorState, seed: AccountSeed, now: Date): AccountRecord {
  const account = (state.accounts[seed.accountId] ??= {
    accountId: seed.accountId,
    oidcProviders: keyedRecords(),
    roles: keyedRecords(),
    users: keyedRecords(),
    managedPolicies: keyedRecords(),
    instanceProfiles: keyedRecords(),
  });
  state.accessKeys[seed.accessKeyId] = {
    accessKeyId: seed.accessKeyId,
    secretAccessKey: seed.secretAccessKey,
    accountId: seed.accountId,
    owner: { kind: 'root' },
    status: 'Active',
    createDate: state.accessKeys[seed.accessKeyId]?.createDate ?? now.toISOString(),
  };
  return account;
}
