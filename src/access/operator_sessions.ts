import { createHash, randomBytes } from 'node:crypto';
import { UnauthenticatedError } from '../core/index.js';
import { fromTimestamp, hashSecret, toTimestamp, type OperatorSessionRecord, type Store } from '../store/index.js';
import type { IdpIdentity } from './idp/idp_token_verifier.js';
import type { AuditActor, OperatorPrincipal } from './operator_principal.js';
import { parseRoleValues, type RoleGrant } from './roles.js';

export const SESSION_TOKEN_PREFIX = 'rb_session_';

export interface SessionLifetimes {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIFETIMES: SessionLifetimes = { idleMs: 2 * 3_600_000, absoluteMs: 12 * 3_600_000 };
const HANDOFF_MS = 120_000;
/** last_seen_at is written at most this often (a busy console does not write on every request). */
const TOUCH_EVERY_MS = 60_000;

export interface NewSession {
  /** `rb_session_…`: the cookie value (console) or bearer (CLI). Shown once, stored as a hash. */
  token: string;
  /** The double-submit CSRF value: readable cookie `rolebridge_csrf`, echoed in `X-CSRF-Token`. */
  csrf: string;
  expiresAt: string;
  /** For `rolebridge login`: a one-time code the CLI exchanges (with its PKCE verifier) for the token. */
  handoff?: string;
}

export interface AuthenticatedSession {
  principal: OperatorPrincipal;
  sessionId: string;
  csrfHash: string;
}

function grantsOf(text: string): RoleGrant[] {
  try {
    const parsed = JSON.parse(text) as Array<{ role: string; tenant?: string }>;
    return parseRoleValues(parsed.map((grant) => (grant.tenant === undefined ? grant.role : `${grant.tenant}:${grant.role}`)));
  } catch {
    return [];
  }
}

/** S256 as in PKCE: base64url(SHA-256(verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * Operator sessions after IdP sign-in, in the database so any replica serves them: the roles as signed in,
 * idle and absolute expiry, logout that ends the session at once everywhere.
 */
export class OperatorSessions {
  constructor(
    private readonly store: Store,
    private readonly lifetimes: SessionLifetimes = DEFAULT_SESSION_LIFETIMES,
  ) {}

  async create(identity: IdpIdentity, now: number, handoffChallenge?: string): Promise<NewSession> {
    const token = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const csrf = randomBytes(24).toString('base64url');
    const handoff = handoffChallenge === undefined ? undefined : randomBytes(24).toString('base64url');
    const actor: AuditActor = { type: 'user', sub: identity.sub, ...(identity.email === undefined ? {} : { email: identity.email }), issuer: identity.issuer };
    const expiresAt = toTimestamp(now + this.lifetimes.absoluteMs);
    const record: OperatorSessionRecord = {
      id: `ses-${randomBytes(8).toString('hex')}`,
      tokenHash: hashSecret(token),
      csrfHash: hashSecret(csrf),
      actor: JSON.stringify(actor),
      grants: JSON.stringify(identity.grants),
      createdAt: toTimestamp(now),
      lastSeenAt: toTimestamp(now),
      expiresAt,
      endedAt: null,
      handoffHash: handoff === undefined ? null : hashSecret(handoff),
      handoffChallenge: handoffChallenge ?? null,
      handoffExpiresAt: handoff === undefined ? null : toTimestamp(now + HANDOFF_MS),
    };
    await this.store.operatorSessions.insertSession(record);
    return { token, csrf, expiresAt, ...(handoff === undefined ? {} : { handoff }) };
  }

  /** The operator behind a session token; 401 `session_expired` once it ended, idled out or reached its end. */
  async authenticate(token: string, now: number): Promise<AuthenticatedSession | undefined> {
    const record = await this.store.operatorSessions.findByTokenHash(hashSecret(token));
    if (!record) return undefined;
    const lastSeen = fromTimestamp(record.lastSeenAt);
    if (record.endedAt !== null || fromTimestamp(record.expiresAt) <= now || lastSeen + this.lifetimes.idleMs <= now) {
      throw new UnauthenticatedError('session_expired', 'The session has ended; sign in again.');
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) await this.store.operatorSessions.touch(record.id, toTimestamp(now));
    const actor = JSON.parse(record.actor) as AuditActor;
    return {
      principal: { via: 'session', actor, grants: grantsOf(record.grants), label: `User '${actor.type === 'user' ? (actor.email ?? actor.sub) : actor.id}'` },
      sessionId: record.id,
      csrfHash: record.csrfHash,
    };
  }

  async end(sessionId: string, now: number): Promise<void> {
    await this.store.operatorSessions.end(sessionId, toTimestamp(now));
  }

  /** `rolebridge login`: the one-time hand-off code and the CLI's PKCE verifier → a new session token for the CLI. */
  async exchangeHandoff(code: string, verifier: string, now: number): Promise<{ token: string; expiresAt: string }> {
    const record = await this.store.operatorSessions.takeHandoff(hashSecret(code));
    const refused = new UnauthenticatedError('invalid_handoff', 'The sign-in code is unknown, used or expired; run `rolebridge login` again.');
    if (!record || record.handoffExpiresAt === null || fromTimestamp(record.handoffExpiresAt) <= now || record.endedAt !== null) throw refused;
    if (record.handoffChallenge === null || s256(verifier) !== record.handoffChallenge) throw refused;
    // The CLI gets a session of its own (the browser's session token never leaves the browser's cookie).
    const actor = JSON.parse(record.actor) as Extract<AuditActor, { type: 'user' }>;
    const identity: IdpIdentity = { sub: actor.sub, ...(actor.email === undefined ? {} : { email: actor.email }), issuer: actor.issuer, grants: grantsOf(record.grants), context: undefined };
    const session = await this.create(identity, now);
    await this.end(record.id, now);
    return { token: session.token, expiresAt: session.expiresAt };
  }
}
