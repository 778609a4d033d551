export type { Config, Environment, OperatorAuthConfig } from './config.js';
export { loadConfig, parseOperatorAuth, parseMasterKey, validateIssuerTemplate, DEFAULT_DATABASE_URL, DEFAULT_ISSUER_TEMPLATE } from './config.js';
export { resolveMasterKey } from './master_key.js';
