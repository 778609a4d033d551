import type { PolicyJson, PolicyStatementJson } from '../policy/index.js';
import { trustStatementForScope, type TrustStatementInput } from './trust_statement_for_scope.js';

/** The Sid of the transition's statement for the new format: the scope's own Sid plus this, so tightening finds it. */
export const NEXT_SUBJECT_SID_SUFFIX = 'NextSubject';

export interface SubjectMigrationTrustInput extends Omit<TrustStatementInput, 'tokenConfig'> {
  tokenConfig: TrustStatementInput['tokenConfig'];
  /** The planned subject template. */
  subjectTemplate: string;
}

export interface SubjectMigrationTrust {
  /** The statement for the current format, exactly as set-up writes it for this scope (same Sid). */
  current: PolicyStatementJson;
  /** The statement for the new format during the transition (Sid `<scope Sid>NextSubject`). */
  next: PolicyStatementJson;
  /** Both statements: admits both formats while the switch happens. */
  transition: PolicyJson;
  /** After the switch: the new format only, under the scope's own Sid (it replaces `current` where set-up wrote it). */
  final: PolicyJson;
}

/**
 * The trust documents of a subject migration for one scope, from the same generator as every trust policy
 * rolebridge writes: the current statement, the same scope in the new format, their union for the
 * transition, and the new format alone for afterwards. Two statements rather than one with two `sub`
 * values, so applying the transition only adds a statement and tightening only replaces and removes ours.
 */
export function subjectMigrationTrust(input: SubjectMigrationTrustInput): SubjectMigrationTrust {
  const current = trustStatementForScope(input);
  const final = trustStatementForScope({ ...input, tokenConfig: { ...input.tokenConfig, subjectTemplate: input.subjectTemplate } });
  const next = { ...final, Sid: `${final.Sid ?? ''}${NEXT_SUBJECT_SID_SUFFIX}` };
  return {
    current,
    next,
    transition: { Version: '2012-10-17', Statement: [current, next] },
    final: { Version: '2012-10-17', Statement: [final] },
  };
}
