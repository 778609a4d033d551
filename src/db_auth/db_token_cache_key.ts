import { createHash } from 'node:crypto';
import type { BrokerConnection } from '../broker/index.js';
import { credentialCacheKey } from '../broker/index.js';
import type { BrokerWorkload } from '../broker/index.js';
import type { DbAuthRequest } from './db_auth_request.js';

/**
 * One database token per (AWS session, database request): the broker's key (tenant, workload,
 * role chain with its ExternalIds, region, …) plus every field that changes what AWS signs or
 * returns. Hashed so that nothing identifying sits in memory as a key.
 */
export function dbTokenCacheKey(workload: BrokerWorkload, connection: BrokerConnection, request: DbAuthRequest & { region: string }): string {
  const fields = Object.entries(request).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([credentialCacheKey(workload, connection), fields]))
    .digest('base64url');
}
