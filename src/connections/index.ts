/** Connections: validation, verify-before-save, the records' public view, the lookup the broker's routes read through. */
export type { ConnectionInput, ConnectionHopInput } from './connection_input.js';
export { validateConnection, CHAINED_DURATION_MESSAGE, type ValidConnectionSettings } from './validate_connection.js';
export {
  verifyConnection,
  type Diagnose,
  type VerificationFailure,
  type VerificationResult,
  type VerifyDeps,
  type VerifyRetryOptions,
} from './verify_connection.js';
export { brokerConnectionOf, type ConnectionView } from './connection_view.js';
export { createConnection, type ConnectionServiceDeps, type CreatedConnection } from './create_connection.js';
export { createConnectionService, type ConnectionService } from './connection_service.js';
