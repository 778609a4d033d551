export type { Config, Environment, OperatorAuthConfig } from './config.js';
export { loadConfig, parseOperatorAuth, parseMasterKey } from './config.js';
export { resolveMasterKey } from './master_key.js';
