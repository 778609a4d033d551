export type { Config, Environment } from './config.js';
export { loadConfig, parseMasterKey, validateIssuerTemplate, DEFAULT_DATABASE_URL, DEFAULT_ISSUER_TEMPLATE } from './config.js';
export { resolveMasterKey } from './master_key.js';
