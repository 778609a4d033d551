import type { FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { AuditTrail } from './audit_trail.js';

export type CredentialKind = 'admin' | 'workload' | 'setup_code' | 'metrics';

const AUDIT_WINDOW_MS = 60_000;

/** Which credential a route takes, from the OpenAPI security it declares. */
export function credentialKindOf(request: FastifyRequest): CredentialKind {
  if (request.routeOptions.url === '/metrics') return 'metrics';
  const security = (request.routeOptions.schema as { security?: Array<Record<string, unknown>> } | undefined)?.security ?? [];
  const schemes = new Set(security.flatMap((entry) => Object.keys(entry)));
  if (schemes.has('workloadSecret')) return 'workload';
  if (schemes.has('setupCode')) return 'setup_code';
  return 'admin';
}

/**
 * Failed authentications: every one is counted (`rolebridge_authentication_failures_total{kind,reason}`), and
 * audited as `authentication.failed` at most once per credential kind per minute, with the number of failures
 * since the last event, so a flood of bad tokens cannot flood the audit log. Neither holds the credential.
 */
export class AuthenticationFailures {
  private readonly failures: Counter<'kind' | 'reason'>;
  private readonly windows = new Map<CredentialKind, { openedAt: number; suppressed: number }>();

  constructor(
    private readonly options: { audit: AuditTrail; registry: Registry; now: () => number; onError: (error: unknown) => void },
  ) {
    this.failures = new Counter({
      name: 'rolebridge_authentication_failures_total',
      help: 'Requests refused for a missing or invalid credential, by credential kind and reason code.',
      labelNames: ['kind', 'reason'],
      registers: [options.registry],
    });
  }

  record(request: FastifyRequest, reason: string): void {
    const kind = credentialKindOf(request);
    this.failures.inc({ kind, reason });
    const now = this.options.now();
    const window = this.windows.get(kind);
    if (window !== undefined && now - window.openedAt < AUDIT_WINDOW_MS) {
      window.suppressed += 1;
      return;
    }
    const suppressedBefore = window?.suppressed ?? 0;
    this.windows.set(kind, { openedAt: now, suppressed: 0 });
    this.options.audit
      .record({
        tenantId: null,
        actor: 'anonymous',
        action: 'authentication.failed',
        target: null,
        outcome: 'failure',
        requestId: request.id,
        details: {
          kind,
          reason,
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          ip: request.ip,
          // Failures of this kind not audited one by one since the previous event (they are in the metric).
          failuresSinceLastEvent: suppressedBefore,
        },
      })
      .catch(this.options.onError);
  }
}
