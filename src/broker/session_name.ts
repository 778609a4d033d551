/** AWS's rule for RoleSessionName: 2–64 characters of `[\w+=,.@-]`. */
export const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

/**
 * The session name rolebridge gives a workload's session: `rb-<workload>-<jti>`. It shows up in
 * CloudTrail (`assumed-role/<role>/<session>`) and the jti is what our audit log records for the
 * token, so an AWS event leads back to one token and one workload. Workload id and jti are cut
 * so the whole stays within 64 characters, and any character AWS refuses becomes `-`.
 */
export function sessionNameFor(workloadId: string, jti: string): string {
  const workloadPart = sanitize(workloadId).slice(0, 36);
  const jtiPart = sanitize(jti).slice(0, 20);
  return `rb-${workloadPart}-${jtiPart}`.slice(0, 64);
}

function sanitize(value: string): string {
  return value.replace(/[^\w+=,.@-]/g, '-');
}
