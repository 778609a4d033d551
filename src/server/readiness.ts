/** A dependency `/readyz` reports on. `ok: false` makes the server not ready (503). */
export interface ReadinessResult {
  name: string;
  ok: boolean;
  /** Safe to show: no secrets. */
  detail?: Record<string, unknown>;
  /** A degraded dependency is reported but does not make the server unready (e.g. STS failing while cache serves). */
  degraded?: boolean;
}

export type ReadinessCheck = () => Promise<ReadinessResult>;
