import { createHash } from 'node:crypto';
import type { BrokerConnection } from './broker_connection.js';
import type { BrokerWorkload } from './token_source.js';

/**
 * The cache key: everything that changes the credentials STS would return (tenant, workload and
 * its subject, token config, every role, ExternalId, session name and duration of the chain,
 * region, session policy). The connection's name is left out on purpose: two connections with
 * the same settings yield the same session. Hashed so ExternalIds do not sit in memory as keys.
 */
export function credentialCacheKey(workload: BrokerWorkload, connection: BrokerConnection): string {
  const material = [
    connection.tenantId,
    workload.tenantId,
    workload.id,
    workload.subject ?? null,
    connection.tokenConfig,
    connection.region,
    connection.roleArn,
    connection.durationSeconds ?? null,
    connection.sessionPolicy ?? null,
    connection.chain.map((hop) => [hop.roleArn, hop.externalId ?? null, hop.sessionName ?? null, hop.durationSeconds ?? null]),
  ];
  return createHash('sha256').update(JSON.stringify(material)).digest('base64url');
}
