import type { ConnectionRecord } from '../store/index.js';
import type { BrokerConnection } from '../broker/index.js';
import type { ValidConnectionSettings } from './validate_connection.js';

/** A connection as the API returns it: its settings (the session policy as an object) and how it was verified. */
export interface ConnectionView extends Omit<ValidConnectionSettings, 'sessionPolicy'> {
  sessionPolicy: Record<string, unknown> | null;
  /** Whether (and with which workload) the exchange was proven before saving. */
  verified: boolean;
  verifiedWithWorkload: string | null;
  verifiedAt: string | null;
  createdAt: string;
}

export function connectionView(record: ConnectionRecord): ConnectionView {
  return {
    name: record.name,
    roleArn: record.roleArn,
    region: record.region,
    tokenConfig: record.tokenConfig,
    chain: record.chain,
    durationSeconds: record.durationSeconds,
    sessionPolicy: record.sessionPolicy === null ? null : (JSON.parse(record.sessionPolicy) as Record<string, unknown>),
    verified: record.verifiedAt !== null,
    verifiedWithWorkload: record.verifiedWithWorkload,
    verifiedAt: record.verifiedAt,
    createdAt: record.createdAt,
  };
}

/** The broker's view of a stored connection. */
export function brokerConnectionOf(record: Pick<ConnectionRecord, 'tenantId' | 'name' | 'tokenConfig' | 'roleArn' | 'region' | 'durationSeconds' | 'sessionPolicy' | 'chain'>): BrokerConnection {
  return {
    tenantId: record.tenantId,
    name: record.name,
    tokenConfig: record.tokenConfig,
    roleArn: record.roleArn,
    region: record.region,
    chain: record.chain,
    ...(record.durationSeconds === null ? {} : { durationSeconds: record.durationSeconds }),
    ...(record.sessionPolicy === null ? {} : { sessionPolicy: record.sessionPolicy }),
  };
}
