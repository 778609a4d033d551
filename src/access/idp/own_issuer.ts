/**
 * Whether `iss` is one of rolebridge's own tenant issuers under ROLEBRIDGE_ISSUER_TEMPLATE: such a token is a
 * workload's, and a workload must never become an operator by presenting it.
 */
export function isOwnTenantIssuer(issuerTemplate: string, iss: string): boolean {
  const [before, after] = issuerTemplate.split('{tenant}') as [string, string | undefined];
  if (after === undefined) return false;
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(before)}[a-z0-9-]{1,63}${escape(after)}$`, 'i').test(iss);
}
