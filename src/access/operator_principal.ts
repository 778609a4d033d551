import type { RoleGrant } from './roles.js';

/** Who did it, as the audit log records it: an IdP user by issuer and subject, an API key by its id. */
export type AuditActor = { type: 'user'; sub: string; email?: string; issuer: string } | { type: 'api_key'; id: string };

/**
 * A person or program acting as an operator: an API key, an IdP bearer token or a console/CLI session,
 * each reduced to the same roles.
 */
export interface OperatorPrincipal {
  via: 'api_key' | 'idp_token' | 'session';
  actor: AuditActor;
  grants: RoleGrant[];
  /** A human-readable name for messages: the key's name, the user's email or subject. */
  label: string;
}

/**
 * The audit log's actor text: `admin:<key id>` for API keys (as before), and for IdP users the JSON of
 * `{type: "user", sub, email?, issuer}`, which the audit API returns as that object.
 */
export function auditActorText(actor: AuditActor): string {
  if (actor.type === 'api_key') return `admin:${actor.id}`;
  return JSON.stringify(actor.email === undefined ? { type: 'user', sub: actor.sub, issuer: actor.issuer } : { type: 'user', sub: actor.sub, email: actor.email, issuer: actor.issuer });
}
