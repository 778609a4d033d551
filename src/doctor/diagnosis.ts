import type { PolicyJson, PolicyStatementJson } from '../policy/index.js';
import type { PackedSizeFacts } from './packed_size_facts.js';
import type { OfferedFix } from './proven_trust_fix.js';

/**
 * The doctor's answer to a failure: plain JSON, the same object in the API, the CLI's `--json` and the
 * console. One primary finding (its fields are repeated at the top level for readers that want one
 * line) and every finding the doctor could establish, because a broken trust policy often has more
 * than one fault and fixing only the first just moves the `AccessDenied`.
 */
export interface Diagnosis extends DiagnosisFinding {
  /** Every fault found, primary first (the diagnosis itself repeats the primary one's fields). */
  findings: DiagnosisFinding[];
  /**
   * How the doctor knows: `trust_policy` when it evaluated the role's trust policy with the token's
   * claims, `sts_error` when STS's code and message say it outright, `inferred` when it reasoned from
   * the error and the token without seeing the policy (then `confirm` says how to check).
   */
  basis: 'trust_policy' | 'sts_error' | 'inferred';
  /** How to confirm an inferred diagnosis. */
  confirm?: string;
  /** The corrected trust-policy statement, ready to paste (trust problems only). */
  correctedStatement?: PolicyStatementJson;
  /** The whole corrected trust policy, when the doctor had it: needed when the fix changes more than one statement (a Deny). */
  correctedDocument?: PolicyJson;
  /**
   * Whether a corrected statement or document is offered and the policy engine's proof of it (admits the
   * token, refuses the negative probes), or `{status: 'none', reason}` when no safe automatic fix exists.
   */
  offeredFix?: OfferedFix;
  /** Whether retrying later may succeed (throttling, outages) rather than a setting being wrong. */
  transient: boolean;
  /** STS's answer, verbatim, so nothing is hidden behind the doctor's reading of it. */
  sts?: StsErrorEvidence;
  /** `packed_policy_too_large`: the sizes that went into the packed session (tags, session policy) and the target. */
  packedSize?: PackedSizeFacts;
}

/** One fault the doctor found. */
export interface DiagnosisFinding {
  /** Stable snake_case code (`trust_subject_mismatch`, `oidc_provider_not_found`, …). */
  code: string;
  /** The cause in one sentence. */
  cause: string;
  /** The setting at fault, named where the customer finds it (`role trust policy › Statement[0].Principal.Federated`). */
  setting: string;
  /** What the setting holds now (null: unknown or absent). */
  actual: string | null;
  /** What it must hold (null: nothing can satisfy it, e.g. a condition that must be removed). */
  expected: string | null;
  /** What to do, in one or two sentences. */
  fix: string;
}

export interface StsErrorEvidence {
  operation: 'AssumeRoleWithWebIdentity' | 'AssumeRole' | 'GetCallerIdentity';
  /** 0 for the web-identity call, n for the n-th chained hop. */
  step: number;
  roleArn: string;
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
}

/** Builds a diagnosis whose top-level fields mirror its first finding. */
export function diagnosisOf(
  findings: readonly [DiagnosisFinding, ...DiagnosisFinding[]],
  extra: Pick<Diagnosis, 'basis'> & Partial<Pick<Diagnosis, 'confirm' | 'correctedStatement' | 'correctedDocument' | 'offeredFix' | 'transient' | 'sts'>>,
): Diagnosis {
  const [primary] = findings;
  return {
    code: primary.code,
    cause: primary.cause,
    setting: primary.setting,
    actual: primary.actual,
    expected: primary.expected,
    fix: primary.fix,
    findings: [...findings],
    basis: extra.basis,
    ...(extra.confirm === undefined ? {} : { confirm: extra.confirm }),
    ...(extra.correctedStatement === undefined ? {} : { correctedStatement: extra.correctedStatement }),
    ...(extra.correctedDocument === undefined ? {} : { correctedDocument: extra.correctedDocument }),
    ...(extra.offeredFix === undefined ? {} : { offeredFix: extra.offeredFix }),
    transient: extra.transient ?? false,
    ...(extra.sts === undefined ? {} : { sts: extra.sts }),
  };
}
