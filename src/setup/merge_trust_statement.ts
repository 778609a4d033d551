import { InvalidInputError } from '../core/index.js';
import type { PolicyJson, PolicyStatementJson } from '../policy/index.js';
import { canonicalStatement, statementsOf } from './canonical_policy.js';

/** Statements rolebridge writes carry a Sid with this prefix; only those are ever rewritten by set-up. */
export const ROLEBRIDGE_SID_PREFIX = 'Rolebridge';

export interface TrustMerge {
  /** The document to write (the existing one when nothing changes). */
  document: PolicyJson;
  /**
   * `unchanged`: our statement (or an identical one without our Sid) is already there;
   * `added`: appended after every existing statement; `replaced`: our own Sid'd statement was updated.
   */
  outcome: 'unchanged' | 'added' | 'replaced';
  /** Existing statements that already trust more than they should; reported, never touched. */
  warnings: string[];
}

/**
 * Merges rolebridge's trust statement into a role's existing trust policy without ever widening it
 * silently or removing what someone else wrote: foreign statements are kept byte for byte and in
 * order, the only statement that may be replaced is the one carrying our own Sid, and the caller shows
 * the resulting diff before writing it.
 */
export function mergeTrustStatement(existing: PolicyJson | undefined, ours: PolicyStatementJson): TrustMerge {
  if (ours.Sid === undefined || !ours.Sid.startsWith(ROLEBRIDGE_SID_PREFIX)) {
    throw new InvalidInputError('invalid_trust_statement', `rolebridge's trust statement needs a Sid starting with ${ROLEBRIDGE_SID_PREFIX}.`);
  }
  if (existing === undefined) {
    return { document: { Version: '2012-10-17', Statement: [ours] }, outcome: 'added', warnings: [] };
  }
  const statements = statementsOf(existing);
  const others = statements.filter((statement) => statement.Sid !== ours.Sid);
  const warnings = [...broadTrustWarnings(others), ...earlierRolebridgeStatements(others)];
  const oursIndex = statements.findIndex((statement) => statement.Sid === ours.Sid);
  if (oursIndex >= 0) {
    if (canonicalStatement(statements[oursIndex]!) === canonicalStatement(ours)) return { document: existing, outcome: 'unchanged', warnings };
    const replaced = statements.map((statement, index) => (index === oursIndex ? ours : statement));
    return { document: { ...existing, Statement: replaced }, outcome: 'replaced', warnings };
  }
  const wanted = canonicalStatement(ours, { ignoreSid: true });
  if (statements.some((statement) => canonicalStatement(statement, { ignoreSid: true }) === wanted)) {
    return { document: existing, outcome: 'unchanged', warnings };
  }
  return { document: { ...existing, Statement: [...statements, ours] }, outcome: 'added', warnings };
}

/** Parses a trust policy as IAM returns it (already URL-decoded). */
export function parseTrustPolicy(text: string, roleName: string): PolicyJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError('unreadable_trust_policy', `The trust policy of role ${roleName} is not valid JSON; fix it by hand first.`, { roleName });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidInputError('unreadable_trust_policy', `The trust policy of role ${roleName} is not a policy object.`, { roleName });
  }
  return parsed as PolicyJson;
}

/**
 * rolebridge statements for other scopes (an earlier set-up, another connection) stay: they may still be
 * in use. The user is told, so a narrowed scope does not leave the old, wider statement behind unnoticed.
 */
function earlierRolebridgeStatements(statements: readonly PolicyStatementJson[]): string[] {
  return statements
    .filter((statement) => statement.Sid?.startsWith(ROLEBRIDGE_SID_PREFIX))
    .map((statement) => `Statement "${statement.Sid!}" was written by another rolebridge set-up and stays; remove it if no connection uses it any more.`);
}

/**
 * Warnings for statements that let anyone from a federated or AWS principal in without narrowing
 * conditions. Set-up does not fix them (they are not ours), it makes sure the user sees them.
 */
function broadTrustWarnings(statements: readonly PolicyStatementJson[]): string[] {
  const warnings: string[] = [];
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const name = statement.Sid ? `Statement ${JSON.stringify(statement.Sid)}` : `Statement ${index + 1}`;
    const principal = statement.Principal;
    const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
    if (principal === '*' || (typeof principal === 'object' && [principal.AWS].flat().includes('*'))) {
      if (conditionKeys.length === 0) warnings.push(`${name} trusts every principal ("*") without a condition.`);
      return;
    }
    const federated = typeof principal === 'object' ? [principal.Federated ?? []].flat() : [];
    if (federated.some((arn) => arn.includes(':oidc-provider/')) && !conditionKeys.some((key) => /:sub$/i.test(key))) {
      warnings.push(`${name} trusts ${federated.join(', ')} for any subject (no ":sub" condition): every workload of that issuer can assume this role.`);
    }
  });
  return warnings;
}
