import { InvalidInputError } from '../core/index.js';

/**
 * Tenant ids appear in issuer URLs (a path segment or a DNS label) and in IAM condition keys, so they are
 * DNS-label shaped: lowercase letters, digits and inner hyphens, 3–63 characters. A leading or trailing
 * hyphen is refused because it is not a valid DNS label. Ids are immutable: renaming would change `iss`
 * and break every trust policy that names it.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;

export function isTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}

export function assertTenantId(value: string): string {
  if (!isTenantId(value)) {
    throw new InvalidInputError(
      'invalid_tenant_id',
      'A tenant id is 3–63 characters of lowercase letters, digits and hyphens, and does not start or end with a hyphen.',
      { tenantId: value.slice(0, 80) },
    );
  }
  return value;
}
