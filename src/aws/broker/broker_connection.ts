import type { ChainHop } from './role_chain.js';

/** The parts of a stored connection the broker needs; nothing here is secret. */
export interface BrokerConnection {
  tenantId: string;
  name: string;
  tokenConfig: string;
  roleArn: string;
  region: string;
  durationSeconds?: number;
  sessionPolicy?: string;
  chain: readonly ChainHop[];
}
