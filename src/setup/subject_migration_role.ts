import { GetRoleCommand, UpdateAssumeRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { evaluatePolicy, oidcProviderArn, parseArn, parsePolicy, webIdentityRequest, type PolicyJson, type PolicyStatementJson } from '../policy/index.js';
import { canonicalPolicy, statementsOf } from './canonical_policy.js';
import { mergeTrustStatement, parseTrustPolicy, ROLEBRIDGE_SID_PREFIX } from './merge_trust_statement.js';

/** A role's trust policy as IAM holds it now. */
export interface RoleTrust {
  roleName: string;
  roleArn: string;
  policy: PolicyJson;
}

/** What one step of a subject migration would write to a role, and what it leaves for a person. */
export interface RoleTrustChange {
  roleName: string;
  /** `unchanged` writes nothing. */
  outcome: 'added' | 'replaced' | 'unchanged';
  document: PolicyJson;
  /** Statements rolebridge does not own that still admit the old format after tightening: shown, never removed. */
  lingering: string[];
  warnings: string[];
}

/** The name IAM knows a role by: the last segment of its ARN's resource (`role/path/name`). */
export function roleNameOf(roleArn: string): string {
  const resource = parseArn(roleArn)?.resource ?? roleArn;
  return resource.split('/').pop() ?? resource;
}

export async function readRoleTrust(iam: IAMClient, roleArn: string): Promise<RoleTrust> {
  const roleName = roleNameOf(roleArn);
  const answer = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  // IAM returns documents URL-encoded; SDK v3 does not decode them.
  return { roleName, roleArn, policy: parseTrustPolicy(decodeURIComponent(answer.Role?.AssumeRolePolicyDocument ?? ''), roleName) };
}

export async function writeRoleTrust(iam: IAMClient, change: RoleTrustChange): Promise<void> {
  if (change.outcome === 'unchanged') return;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: change.roleName, PolicyDocument: JSON.stringify(change.document) }));
}

/**
 * Dual trust: the new format's statement (Sid `…NextSubject`) is added after everything the role trusts
 * already, so nothing that works today stops working.
 */
export function dualTrustChange(role: RoleTrust, next: PolicyStatementJson): RoleTrustChange {
  const merged = mergeTrustStatement(role.policy, next);
  return { roleName: role.roleName, outcome: merged.outcome, document: merged.document, lingering: [], warnings: withoutOwnStatementNotes(merged.warnings) };
}

/** The token a workload carried in the old format, to find the statements that still admit it. */
export interface OldFormatIdentity {
  issuer: string;
  subject: string;
  audience: string;
}

/**
 * Tightening after the switch: our transition statement (`nextSid`) goes, the final statement takes the
 * scope's own Sid (replacing the old-format statement set-up wrote under it, or added when there was none),
 * and any other rolebridge statement that still admits the old format goes too. Statements someone else
 * wrote are kept; those that still admit the old format are named in `lingering`, decided by the policy
 * engine against the old-format token.
 */
export function tightenTrustChange(role: RoleTrust, input: { nextSid: string; final: PolicyStatementJson; old: OldFormatIdentity }): RoleTrustChange {
  const accountId = parseArn(role.roleArn)?.accountId ?? '';
  const providerArn = oidcProviderArn(accountId, input.old.issuer);
  const admitsOld = (statement: PolicyStatementJson): boolean => {
    try {
      const request = webIdentityRequest({
        claims: { iss: input.old.issuer, sub: input.old.subject, aud: input.old.audience },
        issuer: input.old.issuer,
        providerArn,
        roleArn: role.roleArn,
      });
      return evaluatePolicy(parsePolicy({ Version: '2012-10-17', Statement: [statement] }), request).decision === 'Allowed';
    } catch {
      return false;
    }
  };
  const kept = statementsOf(role.policy).filter(
    (statement) => statement.Sid !== input.nextSid && !(statement.Sid?.startsWith(ROLEBRIDGE_SID_PREFIX) && statement.Sid !== input.final.Sid && admitsOld(statement)),
  );
  const merged = mergeTrustStatement({ ...role.policy, Statement: kept }, input.final);
  const lingering = statementsOf(merged.document)
    .map((statement, index) => ({ statement, index }))
    .filter(({ statement }) => statement.Sid !== input.final.Sid && admitsOld(statement))
    .map(({ statement, index }) => (statement.Sid ? `Statement "${statement.Sid}"` : `Statement ${index + 1}`));
  const unchanged = canonicalPolicy(merged.document) === canonicalPolicy(role.policy);
  return {
    roleName: role.roleName,
    outcome: unchanged ? 'unchanged' : merged.outcome === 'added' ? 'added' : 'replaced',
    document: unchanged ? role.policy : merged.document,
    lingering,
    warnings: withoutOwnStatementNotes(merged.warnings),
  };
}

/**
 * Set-up notes that an earlier rolebridge statement stays; in a migration that statement is the old format's,
 * kept on purpose during the transition and handled by tightening, so the note would only mislead.
 */
function withoutOwnStatementNotes(warnings: readonly string[]): string[] {
  return warnings.filter((warning) => !warning.includes('was written by another rolebridge set-up'));
}
