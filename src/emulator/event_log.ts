/**
 * CloudTrail-like records of every call, oldest first, served at `GET /_emulator/events` so that
 * tests and demos can correlate an exchange with its audit trail. Records never hold secrets:
 * no secret keys, session tokens or web identity tokens (the token's `jti` is kept instead).
 */
export interface EmulatorEvent {
  eventVersion: '1.08';
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  requestID: string;
  eventID: string;
  eventType: 'AwsApiCall';
  recipientAccountId?: string;
  userIdentity: Record<string, unknown>;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
}

/** Kept in memory only; the oldest records go first once the log is full. */
const MAX_EVENTS = 10_000;

export class EventLog {
  private readonly events: EmulatorEvent[] = [];

  record(event: EmulatorEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  list(): readonly EmulatorEvent[] {
    return this.events;
  }

  clear(): void {
    this.events.length = 0;
  }
}
