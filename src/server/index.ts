export { buildServer } from './build_server.js';
export type { ServerDeps } from './deps.js';
export type { AuditTrail } from './audit_trail.js';
export { Metrics } from './metrics.js';
export { createLogger, type Logger } from './logger.js';
export type { ReadinessCheck, ReadinessResult } from './readiness.js';
export type { ErrorBody } from './error_envelope.js';
