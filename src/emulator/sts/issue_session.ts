import { assumedRoleArn } from '../caller.js';
import type { EmulatorState, RoleRecord, SessionRecord, Tag, WebIdentityOrigin } from '../emulator_state.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import type { XmlValue } from '../xml_response.js';

/** Creates temporary credentials for a role session and remembers them for later signed calls. */
export function issueSession(
  state: EmulatorState,
  input: {
    role: RoleRecord;
    accountId: string;
    sessionName: string;
    durationSeconds: number;
    now: number;
    chained: boolean;
    sessionTags?: Tag[];
    transitiveTagKeys?: string[];
    sourceIdentity?: string;
    sessionPolicy?: string;
    webIdentity?: WebIdentityOrigin;
    /** Where the session was requested, for the role's RoleLastUsed. */
    region?: string;
  },
): SessionRecord {
  // Whole seconds, as AWS's timestamps have no fraction.
  const expiration = new Date(Math.floor(input.now / 1000) * 1000 + input.durationSeconds * 1000);
  const session: SessionRecord = {
    accessKeyId: generateIdentifiers.sessionAccessKeyId(),
    secretAccessKey: generateIdentifiers.secretAccessKey(),
    sessionToken: generateIdentifiers.sessionToken(),
    expiration: expiration.toISOString(),
    accountId: input.accountId,
    roleName: input.role.name,
    roleId: input.role.roleId,
    roleArn: input.role.arn,
    sessionName: input.sessionName,
    chained: input.chained,
    sessionTags: input.sessionTags ?? [],
    transitiveTagKeys: input.transitiveTagKeys ?? [],
    ...(input.sourceIdentity === undefined ? {} : { sourceIdentity: input.sourceIdentity }),
    ...(input.sessionPolicy === undefined ? {} : { sessionPolicy: input.sessionPolicy }),
    ...(input.webIdentity === undefined ? {} : { webIdentity: input.webIdentity }),
    createDate: new Date(input.now).toISOString(),
  };
  state.sessions[session.accessKeyId] = session;
  input.role.lastUsed = { date: new Date(input.now).toISOString(), region: input.region ?? 'us-east-1' };
  pruneExpiredSessions(state, input.now);
  return session;
}

/** Expired sessions are forgotten a day after expiry (until then they answer ExpiredToken). */
function pruneExpiredSessions(state: EmulatorState, now: number): void {
  for (const [id, session] of Object.entries(state.sessions)) {
    if (Date.parse(session.expiration) + 86_400_000 < now) delete state.sessions[id];
  }
}

export function credentialsXml(session: SessionRecord): XmlValue {
  return {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    SessionToken: session.sessionToken,
    Expiration: new Date(session.expiration),
  };
}

export function assumedRoleUserXml(session: SessionRecord): XmlValue {
  return {
    AssumedRoleId: `${session.roleId}:${session.sessionName}`,
    Arn: assumedRoleArn(session.accountId, session.roleName, session.sessionName),
  };
}
