export { buildServer } from './build_server.js';
export type { ServerDeps } from './deps.js';
export { Metrics } from './metrics.js';
export { createLogger, REDACTED_PATHS, type Logger } from './logger.js';
export { ensureBootstrapAdminKey } from './bootstrap_admin_key.js';
export { startServerRuntime, type ServerRuntime, type RuntimeOptions } from './server_runtime.js';
export type { ReadinessCheck, ReadinessResult } from './readiness.js';
export type { ErrorBody } from './error_envelope.js';
