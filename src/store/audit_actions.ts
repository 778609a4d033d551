/**
 * Every audit action rolebridge records, as dotted verbs. A new action is added here first, so a typo at a
 * call site is a type error and the list of what the audit log can say is in one place.
 */
export const AUDIT_ACTIONS = [
  'tenant.created',
  'token_config.created',
  'token_config.updated',
  'token_config.subject_change_checked',
  'workload.created',
  'workload.disabled',
  'token.issued',
  'signing_key.rotated',
  'signing_key.revoked',
  'signing_key.maintained',
  'signing_key.promotion_refused',
  'api_key.created',
  'api_key.revoked',
  'connection.created',
  'connection.deleted',
  'connection.tested',
  'connection.verification_failed',
  'connection.verify_skipped',
  'connection.recovered',
  'connection.drift',
  'credentials.exchanged',
  'db_auth.checked',
  'setup_code.created',
  'setup_code.exchanged',
  'setup_code.exchange_refused',
  'operator.signed_in',
  'operator.signed_out',
  'authentication.failed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
