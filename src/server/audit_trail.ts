import type { AuditEvent, AuditQuery, NewAuditEvent } from '../store/index.js';

/** The audit log as the server uses it; a read sees every event recorded so far, buffered ones included. */
export interface AuditTrail {
  record(event: NewAuditEvent): Promise<unknown>;
  list(query: AuditQuery): Promise<AuditEvent[]>;
}
