import type { ChainHop, RoleChain } from './role_chain.js';

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

/** The STS calls a connection stands for: its web-identity role, then each hop. */
export function roleChainOf(connection: BrokerConnection): RoleChain {
  return {
    region: connection.region,
    roleArn: connection.roleArn,
    hops: connection.chain,
    ...(connection.durationSeconds === undefined ? {} : { durationSeconds: connection.durationSeconds }),
    ...(connection.sessionPolicy === undefined ? {} : { sessionPolicy: connection.sessionPolicy }),
  };
}
