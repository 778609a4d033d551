/** The credential broker, the credentials hot path: role chains over STS, the cache, single flight, refresh ahead. */
export {
  createRoleChainRunner,
  type ChainHop,
  type ChainStep,
  type RoleChain,
  type RoleChainResult,
  type RoleChainRunner,
  type RoleChainRunnerOptions,
  type StsCallObserver,
  type WebIdentity,
} from './role_chain.js';
export { sessionNameFor, SESSION_NAME_PATTERN } from './session_name.js';
export { CredentialCache, type CacheAnswer, type CacheHealth, type CacheOutcome, type CredentialCacheOptions, type Expiring } from './credential_cache.js';
export { credentialCacheKey } from './cache_key.js';
export type { BrokerMetrics } from './broker_metrics.js';
export { roleChainOf, type BrokerConnection } from './broker_connection.js';
export type { BrokerWorkload, MintedToken, TokenSource } from './token_source.js';
export {
  createCredentialBroker,
  type BrokeredCredentials,
  type BrokeredSession,
  type CredentialBroker,
  type CredentialBrokerOptions,
  type ExchangeListener,
} from './credential_broker.js';
export { issuerTokenSource, type TokenIssuer } from './issuer_token_source.js';
export { createBrokerServices, type BrokerServices, type BrokerServicesOptions, type StsReadinessResult } from './broker_services.js';
