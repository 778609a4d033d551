import { parseArn } from './arn.js';
import type { RequestPrincipal } from './authorization_request.js';
import type { PrincipalKind, PrincipalSpec } from './policy_document.js';

export type PrincipalTest = (principal: RequestPrincipal) => boolean;

/**
 * Compiles a Principal element. AWS principals match by account (`123456789012`, `arn:…:root`: anyone in the
 * account), by exact ARN, and a role ARN also matches that role's sessions
 * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>` — the role's path is not part of the session ARN).
 * `{"AWS": "*"}` matches every AWS principal; only `"Principal": "*"` matches federated callers as well.
 */
export function principalMatcher(spec: PrincipalSpec): PrincipalTest {
  if (spec === '*') return () => true;
  const tests: Array<[PrincipalKind, (id: string) => boolean]> = [];
  for (const [kind, ids] of Object.entries(spec) as Array<[PrincipalKind, readonly string[]]>) {
    for (const id of ids) tests.push([kind, idMatcher(kind, id)]);
  }
  return (principal) => {
    for (const [kind, test] of tests) if (kind === principal.kind && test(principal.id)) return true;
    return false;
  };
}

function idMatcher(kind: PrincipalKind, policyId: string): (id: string) => boolean {
  if (policyId === '*') return () => true;
  if (kind === 'Service') {
    const lower = policyId.toLowerCase();
    return (id) => id.toLowerCase() === lower;
  }
  if (kind !== 'AWS') return (id) => id === policyId;
  const accountOnly = /^\d{12}$/.test(policyId) ? policyId : undefined;
  const policyArn = parseArn(policyId);
  if (accountOnly !== undefined || (policyArn?.service === 'iam' && policyArn.resource === 'root')) {
    const account = accountOnly ?? policyArn!.accountId;
    return (id) => id === account || parseArn(id)?.accountId === account;
  }
  if (policyArn?.service === 'iam' && policyArn.resource.startsWith('role/')) {
    const roleName = policyArn.resource.split('/').at(-1)!;
    const sessionPrefix = `arn:${policyArn.partition}:sts::${policyArn.accountId}:assumed-role/${roleName}/`;
    return (id) => id === policyId || id.startsWith(sessionPrefix);
  }
  return (id) => id === policyId;
}
