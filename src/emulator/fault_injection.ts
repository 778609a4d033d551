import { AwsError } from './aws_error.js';

/**
 * Faults switched on at runtime through `POST /_emulator/faults`, for tests and demos of the
 * failure paths callers must survive. A fault without `action` applies to every action.
 *
 * Outage answers 503 `ServiceUnavailable` rather than refusing connections: the SDKs and the AWS
 * CLI treat 503 as retryable (SDK v3 standard mode: 3 attempts with backoff) and then surface the
 * error, which is what a real regional outage looks like to them.
 */
export const FAULT_ERRORS = [
  'Throttling',
  'IDPCommunicationError',
  'IDPRejectedClaim',
  'PackedPolicyTooLarge',
  'RegionDisabledException',
  'ServiceUnavailable',
] as const;
export type FaultError = (typeof FAULT_ERRORS)[number];

export interface Fault {
  action?: string;
  latencyMs?: number;
  error?: FaultError;
  outage?: boolean;
}

export function faultError(error: FaultError, accountId: string): AwsError {
  switch (error) {
    case 'Throttling':
      return new AwsError('Throttling', 400, 'Rate exceeded');
    case 'IDPCommunicationError':
      // Text unconfirmed (AWS-REFERENCE §10.1); this follows the service model's description.
      return new AwsError(
        'IDPCommunicationError',
        400,
        'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached.',
      );
    case 'IDPRejectedClaim':
      // AWS's only verbatim sample is an OAuth 2.0 provider's ("graph.facebook.com: graph.facebook.com responded
      // with HTTP/1.1 400 Bad Request", AWS-REFERENCE §1.6); this text follows the service model's description.
      return new AwsError('IDPRejectedClaim', 403, 'The identity provider (IdP) reported that authentication failed, or the claim in the token has expired or has been explicitly revoked.');
    case 'PackedPolicyTooLarge':
      // Verbatim form from aws-actions/configure-aws-credentials#1898 and aws/containers-roadmap#2413 (AWS-REFERENCE §1.6).
      return new AwsError('PackedPolicyTooLarge', 400, 'Packed size of session tags consumes 112% of allotted space.');
    case 'RegionDisabledException':
      return new AwsError(
        'RegionDisabledException',
        403,
        `STS is not activated in this region for account:${accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
      );
    case 'ServiceUnavailable':
      return new AwsError('ServiceUnavailable', 503, 'Service is unavailable. Please try again later.');
  }
}

export class FaultInjector {
  private readonly faults = new Map<string, Fault>();

  /** Adds or replaces the fault for its action (or for all actions). */
  set(fault: Fault): void {
    this.faults.set(fault.action ?? '*', fault);
  }

  clear(): void {
    this.faults.clear();
  }

  list(): Fault[] {
    return [...this.faults.values()];
  }

  /** The action-specific fault wins over the catch-all one. */
  for(action: string): Fault | undefined {
    return this.faults.get(action) ?? this.faults.get('*');
  }
}

export function parseFault(body: unknown): Fault | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const { action, latencyMs, error, outage } = body as Record<string, unknown>;
  if (action !== undefined && typeof action !== 'string') return '`action` must be a string';
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || latencyMs < 0 || latencyMs > 600_000)) {
    return '`latencyMs` must be a number of milliseconds between 0 and 600000';
  }
  if (error !== undefined && !FAULT_ERRORS.includes(error as FaultError)) {
    return `\`error\` must be one of ${FAULT_ERRORS.join(', ')}`;
  }
  if (outage !== undefined && typeof outage !== 'boolean') return '`outage` must be a boolean';
  return {
    ...(action === undefined ? {} : { action }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(error === undefined ? {} : { error: error as FaultError }),
    ...(outage === undefined ? {} : { outage }),
  };
}
