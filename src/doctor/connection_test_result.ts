import type { ProbeKind } from '../issuer/index.js';
import type { Diagnosis } from './diagnosis.js';

/** One step of a connection test, in the order it ran. */
export interface TestStep {
  /** `token`, `issuer`, `assume_role_with_web_identity`, `assume_role[1]`…, `get_caller_identity`. */
  name: string;
  status: 'ok' | 'failed' | 'skipped' | 'warning';
  durationMs: number;
  /** One line for a person. */
  detail: string;
  /** What the step saw, as data (claims shown, ARNs, URLs — never a token or credentials). */
  data?: Record<string, unknown>;
}

/** A token the role must refuse, and whether it did. */
export interface ProbeResult {
  probe: ProbeKind;
  /** `refused` is the healthy answer; `accepted` means the trust policy is too broad. */
  status: 'refused' | 'accepted' | 'skipped' | 'inconclusive';
  subject?: string;
  audience?: string;
  /** The RoleSessionName the probe used (`rb-probe-…`), as CloudTrail shows it. */
  sessionName?: string;
  jti?: string;
  detail: string;
  /** STS's answer to the probe (code and message), when it refused or failed. */
  stsCode?: string;
  /** For an accepted probe: `trust_too_broad` with the tightened statement. */
  finding?: Diagnosis;
  /**
   * For an accepted probe: `error` when the role admits another tenant or another audience (never
   * intended), `warning` for a sibling of the same tenant (a deployment- or tenant-wide role may be meant).
   */
  severity?: 'error' | 'warning';
}

/** The doctor's whole answer: `POST …/connections/{c}/test` returns it as it is. */
export interface ConnectionTestResult {
  /** The exchange worked end to end and the role refused every probe it must refuse (other tenants, wrong audiences). */
  ok: boolean;
  steps: TestStep[];
  /** For the first failing step (or the first accepted probe of severity `error`). */
  diagnosis?: Diagnosis;
  probes: ProbeResult[];
  /**
   * Findings that do not fail the test: probes of the same tenant the role accepted (`trust_too_broad`,
   * with the statement tightened to this connection's workload, in case the breadth is not intended).
   */
  warnings: Diagnosis[];
}
