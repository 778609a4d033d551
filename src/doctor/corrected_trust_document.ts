import type { PolicyDocument, PolicyEvaluation, PolicyJson, PolicyStatement, PolicyStatementJson } from '../policy/index.js';
import { correctedTrustStatement } from './corrected_trust_statement.js';
import { admitsClaims, proveTrustFix, type OfferedFix } from './proven_trust_fix.js';
import type { WebIdentityFacts } from './web_identity_context.js';

/** What the doctor offers for a trust policy that refuses the token: only ever a proven fix. */
export interface TrustFixOffer {
  /** The one statement to paste (absent when the fix changes more than one statement). */
  correctedStatement?: PolicyStatementJson;
  /** The whole corrected trust policy. */
  correctedDocument?: PolicyJson;
  offeredFix: OfferedFix;
}

/**
 * Builds the corrected trust policy and proves it before offering it. Denies that block the token are
 * narrowed to exempt its exact subject (every other subject stays denied); the Allow statement meant for the
 * token is corrected, keeping the author's intent first, then pinned to this token's exact aud and sub; a
 * statement for another issuer's provider is left alone and the corrected one added beside it. The first
 * candidate the policy engine proves is offered; when none is, `offeredFix` says why.
 */
export function offerTrustFix(
  raw: string | object,
  document: PolicyDocument,
  evaluation: PolicyEvaluation,
  allow: PolicyStatement | undefined,
  failingConditionPaths: ReadonlySet<string>,
  facts: WebIdentityFacts,
): TrustFixOffer {
  if (facts.providerArn === '') return none(`the token's issuer ${JSON.stringify(facts.issuer)} is not an issuer URL IAM accepts`);
  if (facts.subject === undefined) return none('the token has no sub, so no condition can pin this workload and no trust policy can safely admit it');
  const source = rawStatements(raw);
  if (source === undefined || source.length !== document.statements.length) return none('the trust policy could not be read back as JSON statements');

  const denies = new Set<number>();
  for (const statement of [...evaluation.statements, ...(evaluation.tagSession?.statements ?? [])]) {
    if (statement.applies && statement.effect === 'Deny') denies.add(statement.index);
  }
  const base = source.map((statement, index) => (denies.has(index) ? exemptSubject(statement, facts) : statement));
  const original = { admits: (claims: Readonly<Record<string, unknown>>) => admitsClaims(raw, facts, claims) };
  const documentOf = (statements: PolicyStatementJson[]): PolicyJson => ({ ...(rawObject(raw) as Partial<PolicyJson>), Version: versionOf(raw), Statement: statements });
  const failures: string[] = [];

  if (denies.size > 0 && admitsClaims(documentOf(base), facts, facts.claims)) {
    const corrected = documentOf(base);
    const proof = proveTrustFix(corrected, [], facts, original);
    if (proof.ok) return { correctedDocument: corrected, offeredFix: { status: 'proven', scope: 'document', refusedProbes: proof.refusedProbes, admittedAsBefore: proof.admittedAsBefore } };
    failures.push(`narrowing the Deny: ${proof.reason}`);
  }

  const replaceAt = allow !== undefined && !belongsToAnotherIssuer(allow, facts) ? allow.index : undefined;
  const candidates: PolicyStatementJson[] = [];
  if (replaceAt !== undefined) candidates.push(correctedTrustStatement(allow, facts, failingConditionPaths));
  candidates.push(correctedTrustStatement(undefined, facts));
  for (const statement of candidates) {
    const statements = replaceAt === undefined ? [...base, statement] : base.map((existing, index) => (index === replaceAt ? statement : existing));
    const corrected = documentOf(statements);
    const proof = proveTrustFix(corrected, [statement], facts, original);
    if (!proof.ok) {
      failures.push(`the corrected statement: ${proof.reason}`);
      continue;
    }
    const onlyOneStatement = denies.size === 0 && replaceAt !== undefined;
    return {
      correctedStatement: statement,
      correctedDocument: corrected,
      offeredFix: {
        status: 'proven',
        scope: onlyOneStatement ? 'statement' : 'document',
        ...(replaceAt === undefined ? {} : { replaces: document.statements[replaceAt]!.path }),
        refusedProbes: proof.refusedProbes,
        admittedAsBefore: proof.admittedAsBefore,
      },
    };
  }
  return none(`every correction the doctor could build fails its proof with the policy engine (${[...new Set(failures)].join('; ')}); change the policy by hand`);
}

function none(reason: string): TrustFixOffer {
  return { offeredFix: { status: 'none', reason } };
}

/**
 * A Deny narrowed so that it no longer matches this exact subject: `StringNotEquals <prefix>:sub` is ANDed
 * with its conditions, so every other subject it denied stays denied.
 */
function exemptSubject(statement: PolicyStatementJson, facts: WebIdentityFacts): PolicyStatementJson {
  const key = `${facts.keyPrefix}:sub`;
  const conditions = { ...(statement.Condition ?? {}) };
  const block = { ...(conditions.StringNotEquals ?? {}) };
  const existing = block[key];
  const values = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  const merged = [...new Set([...values, facts.subject!])];
  block[key] = merged.length === 1 ? merged[0]! : merged;
  conditions.StringNotEquals = block;
  return { ...statement, Condition: conditions };
}

/** A statement for another issuer's provider (the role also trusts, say, GitHub Actions): kept, not rewritten. */
function belongsToAnotherIssuer(statement: PolicyStatement, facts: WebIdentityFacts): boolean {
  const host = facts.keyPrefix.split('/')[0]!.toLowerCase();
  const federated = statement.principal === undefined || statement.principal === '*' ? [] : [...(statement.principal.Federated ?? [])];
  if (federated.length === 0 || federated.some((arn) => arn.toLowerCase().includes(`oidc-provider/${host}`))) return false;
  const ours = facts.keyPrefix.toLowerCase();
  return !statement.conditions.some((condition) => condition.key.toLowerCase().startsWith(`${ours}:`));
}

function rawObject(raw: string | object): Record<string, unknown> | undefined {
  try {
    // IAM's API returns the document URL-encoded; the policy engine accepts both.
    const text = typeof raw === 'string' && /^\s*%7B/i.test(raw) ? decodeURIComponent(raw) : raw;
    const value: unknown = typeof text === 'string' ? JSON.parse(text) : text;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function rawStatements(raw: string | object): PolicyStatementJson[] | undefined {
  const statement = rawObject(raw)?.Statement;
  if (statement === undefined) return undefined;
  return (Array.isArray(statement) ? statement : [statement]) as PolicyStatementJson[];
}

function versionOf(raw: string | object): PolicyJson['Version'] {
  return rawObject(raw)?.Version === '2008-10-17' ? '2008-10-17' : '2012-10-17';
}
