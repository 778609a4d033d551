import {
  ASSUME_ROLE_WITH_WEB_IDENTITY,
  evaluatePolicy,
  parsePolicy,
  conditionAdmits,
  PolicyParseError,
  TAG_SESSION,
  webIdentityRequest,
  type ConditionEvaluation,
  type PolicyDocument,
  type PolicyEvaluation,
  type PolicyStatement,
  type StatementEvaluation,
} from '../policy/index.js';
import { isConditionKeyClaim } from '../claims/index.js';
import { correctedSubjectCondition, correctedTrustStatement } from './corrected_trust_statement.js';
import { offerTrustFix, type TrustFixOffer } from './corrected_trust_document.js';
import { proveTrustFix } from './proven_trust_fix.js';
import { diagnosisOf, type Diagnosis, type DiagnosisFinding, type StsErrorEvidence } from './diagnosis.js';
import type { WebIdentityFacts } from './web_identity_context.js';

const TRUST = 'role trust policy';

/**
 * Explains an `AccessDenied` on AssumeRoleWithWebIdentity. STS says only "Not authorized"; by then it has
 * already accepted the token (provider found, audience registered, signature and expiry fine), so the
 * refusal comes from the role's trust policy — or from a role that does not exist.
 *
 * With the trust policy at hand the doctor evaluates it with the token's claims through the policy engine
 * and names every failing element of the statement meant to let the token in, with the corrected
 * statement. Without it, it says what it inferred and how to confirm.
 */
export function diagnoseTrustFailure(facts: WebIdentityFacts, trustPolicy: string | object | undefined, sts?: StsErrorEvidence): Diagnosis {
  if (trustPolicy === undefined) return inferredTrustDiagnosis(facts, sts);
  let document: PolicyDocument;
  try {
    document = parsePolicy(trustPolicy);
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return diagnosisOf(
      [
        {
          code: 'trust_policy_unparseable',
          cause: `The trust policy given to the doctor is not a valid policy document: ${error.message}`,
          setting: `${TRUST}${error.path ? ` › ${error.path}` : ''}`,
          actual: null,
          expected: null,
          fix: 'Paste the role\'s trust policy exactly as IAM returns it (aws iam get-role --query Role.AssumeRolePolicyDocument).',
        },
      ],
      { basis: 'trust_policy', ...(sts ? { sts } : {}) },
    );
  }

  const request = webIdentityRequest({
    claims: facts.claims,
    issuer: facts.issuer,
    providerArn: facts.providerArn,
    roleArn: facts.roleArn,
    ...(facts.sessionName === undefined ? {} : { roleSessionName: facts.sessionName }),
  });
  const evaluation = evaluatePolicy(document, request);
  const tagSessionRefused = evaluation.tagSession !== undefined && evaluation.tagSession.decision !== 'Allowed';

  if (evaluation.decision === 'Allowed') return policyAllowsDiagnosis(facts, sts);

  const candidate = closestAllow(evaluation.statements, document);
  const failing = new Set(candidate?.evaluation.conditions.filter((condition) => !condition.matched).map((condition) => condition.path) ?? []);
  // Proven with the policy engine before it is offered: admits the token, refuses the probes.
  const offer = offerTrustFix(trustPolicy, document, evaluation, candidate?.statement, failing, facts);
  if (evaluation.decision === 'ExplicitlyDenied' && !tagSessionRefused) {
    return explicitDenyDiagnosis(document, evaluation, facts, sts, offer, candidate);
  }
  const findings = candidate ? statementFindings(candidate.evaluation, candidate.statement, facts) : [];
  if (tagSessionRefused && evaluation.statements.some((statement) => statement.applies && statement.effect === 'Allow')) {
    findings.push(tagSessionFinding(candidate?.statement, facts));
  }
  if (findings.length === 0) {
    findings.push({
      code: 'trust_no_statement_for_web_identity',
      cause: `No statement of the trust policy allows ${ASSUME_ROLE_WITH_WEB_IDENTITY} for the provider ${facts.providerArn}.`,
      setting: `${TRUST} › Statement`,
      actual: null,
      expected: `an Allow statement for Federated ${facts.providerArn}`,
      fix: 'Add the corrected statement below to the trust policy.',
    });
  }
  return diagnosisOf(findings as [DiagnosisFinding, ...DiagnosisFinding[]], { basis: 'trust_policy', ...offer, ...(sts ? { sts } : {}) });
}

/** The Allow statement with the fewest failing elements: the one the author meant for this token. */
function closestAllow(
  statements: readonly StatementEvaluation[],
  document: PolicyDocument,
): { evaluation: StatementEvaluation; statement: PolicyStatement } | undefined {
  let best: { evaluation: StatementEvaluation; statement: PolicyStatement; score: number } | undefined;
  for (const evaluation of statements) {
    if (evaluation.effect !== 'Allow') continue;
    const statement = document.statements[evaluation.index]!;
    const federated = statement.principal !== undefined && statement.principal !== '*' && statement.principal.Federated !== undefined;
    const failures =
      (evaluation.principal.matched ? 0 : 1) +
      (evaluation.action.matched ? 0 : 1) +
      evaluation.conditions.filter((condition) => !condition.matched).length;
    // A web-identity-looking statement is preferred over an unrelated one with fewer failures.
    const score = failures + (federated ? 0 : 100);
    if (best === undefined || score < best.score) best = { evaluation, statement, score };
  }
  return best;
}

function statementFindings(evaluation: StatementEvaluation, statement: PolicyStatement, facts: WebIdentityFacts): DiagnosisFinding[] {
  const findings: DiagnosisFinding[] = [];
  const path = statement.path;
  if (!evaluation.principal.matched) {
    const named = statement.principal === undefined || statement.principal === '*' ? [] : [...(statement.principal.Federated ?? [])];
    findings.push({
      code: 'trust_principal_mismatch',
      cause: `The statement's principal is not the OIDC provider that STS derives from the token's issuer ${facts.issuer}, so the statement never applies.`,
      setting: `${TRUST} › ${path}.Principal.Federated`,
      actual: named.length > 0 ? named.join(', ') : describePrincipal(statement),
      expected: facts.providerArn,
      fix: `Set Principal.Federated to ${facts.providerArn} (the provider ARN is "oidc-provider/" followed by the issuer URL without https://, nothing appended).`,
    });
  }
  if (!evaluation.action.matched) {
    findings.push({
      code: 'trust_action_mismatch',
      cause: `The statement does not allow ${ASSUME_ROLE_WITH_WEB_IDENTITY}: ${evaluation.action.explanation}`,
      setting: `${TRUST} › ${path}.Action`,
      actual: (statement.action ?? statement.notAction ?? []).join(', '),
      expected: facts.passesSessionTags ? `${ASSUME_ROLE_WITH_WEB_IDENTITY}, ${TAG_SESSION}` : ASSUME_ROLE_WITH_WEB_IDENTITY,
      fix: `Set Action to ${ASSUME_ROLE_WITH_WEB_IDENTITY}${facts.passesSessionTags ? ` and ${TAG_SESSION}` : ''}; federated tokens never call sts:AssumeRole.`,
    });
  }
  for (const condition of evaluation.conditions) {
    if (!condition.matched) findings.push(...conditionFindings(condition, facts));
  }
  return findings;
}

function conditionFindings(condition: ConditionEvaluation, facts: WebIdentityFacts): DiagnosisFinding[] {
  const setting = `${TRUST} › ${condition.path}`;
  const shownRequired = condition.requiredValues.join(', ');
  const key = condition.key;
  if (key.toLowerCase() === 'sts:externalid') {
    return [
      {
        code: 'trust_external_id_on_web_identity',
        cause: `The statement requires sts:ExternalId, which AssumeRoleWithWebIdentity never carries, so no web identity can ever satisfy it.`,
        setting,
        actual: `${condition.operator} sts:ExternalId = ${shownRequired}`,
        expected: null,
        fix: `Remove the sts:ExternalId condition from the web-identity statement and pin the caller with ${facts.keyPrefix}:sub instead; ExternalId belongs on a chained role's trust policy (AssumeRole).`,
      },
    ];
  }
  const colon = key.lastIndexOf(':');
  const prefix = key.slice(0, colon);
  const claim = key.slice(colon + 1).toLowerCase();
  const isProviderKey = colon > 0 && /[./]/.test(prefix);
  if (isProviderKey && !isConditionKeyClaim(claim)) {
    return [
      {
        code: 'trust_condition_key_unavailable',
        cause: `The condition uses ${key}, but AWS exposes only aud, sub, amr, azp and email from an OIDC token, so this condition never matches.`,
        setting,
        actual: key,
        expected: null,
        fix: `Remove the condition and encode what it checked in the subject (pin ${facts.keyPrefix}:sub).`,
      },
    ];
  }
  const findings: DiagnosisFinding[] = [];
  const correctKey = `${facts.keyPrefix}:${claim}`;
  if (isProviderKey && key !== correctKey) {
    findings.push({
      code: 'trust_condition_key_mismatch',
      cause: `The condition key ${key} does not exist in this request; keys for this provider start with the issuer without https:// (${facts.keyPrefix}).`,
      setting,
      actual: key,
      expected: correctKey,
      fix: `Rename the condition key to ${correctKey}.`,
    });
  }
  const value = claim === 'sub' ? facts.subject : claim === 'aud' ? facts.audiences[0] : undefined;
  if (isProviderKey && claim === 'sub' && value !== undefined && !requiredAdmits(condition, value)) {
    const corrected = correctedSubjectCondition(condition.requiredValues, value);
    findings.push({
      code: 'trust_subject_mismatch',
      cause:
        key === correctKey
          ? `The subject condition does not admit the token's sub: ${condition.explanation}`
          : `The subject the condition requires (${shownRequired}) does not admit the token's sub ${value}.`,
      setting: `${TRUST} › ${condition.path}`,
      actual: `${condition.operator} ${shownRequired}`,
      expected: `${corrected.operator} ${corrected.value}`,
      fix:
        corrected.operator === 'StringLike'
          ? `${shownRequired} is a prefix of the subject; use StringLike with "${corrected.value}" to admit every workload under it (StringEquals compares the whole subject).`
          : `Set the condition to StringEquals "${value}" (the subject rolebridge puts in this connection's tokens).`,
    });
  } else if (isProviderKey && claim === 'aud' && value !== undefined && !requiredAdmits(condition, value)) {
    findings.push({
      code: 'trust_audience_mismatch',
      cause:
        key === correctKey
          ? `The audience condition does not admit the token's aud: ${condition.explanation}`
          : `The audience the condition requires (${shownRequired}) is not the token's aud ${value}.`,
      setting,
      actual: `${condition.operator} ${shownRequired}`,
      expected: `StringEquals ${value}`,
      fix: `Set the condition to StringEquals "${value}", the audience of this connection's token config (it must also be a client ID of the OIDC provider).`,
    });
  }
  if (findings.length === 0) {
    findings.push({
      code: 'trust_condition_failed',
      cause: `A condition of the statement fails: ${condition.explanation}`,
      setting,
      actual: condition.contextValue === null ? null : String(condition.contextValue),
      expected: `${condition.operator} ${shownRequired}`,
      fix: 'Change the condition so that it admits this connection\'s token, or remove it.',
    });
  }
  return findings;
}

/** Whether the condition's values would admit this claim value (ignoring the key name). */
function requiredAdmits(condition: ConditionEvaluation, value: string): boolean {
  return conditionAdmits(condition.operator, condition.requiredValues, value) ?? false;
}

function tagSessionFinding(statement: PolicyStatement | undefined, facts: WebIdentityFacts): DiagnosisFinding {
  const actions = statement?.action ?? [];
  return {
    code: 'trust_missing_tag_session',
    cause: `The token passes session tags, so AWS also requires ${TAG_SESSION}, and the trust policy does not allow it.`,
    setting: `${TRUST} › ${statement?.path ?? 'Statement'}.Action`,
    actual: actions.join(', ') || null,
    expected: `${ASSUME_ROLE_WITH_WEB_IDENTITY}, ${TAG_SESSION}`,
    fix: `Add "${TAG_SESSION}" to the Action of the statement that allows ${ASSUME_ROLE_WITH_WEB_IDENTITY} for ${facts.providerArn}.`,
  };
}

function explicitDenyDiagnosis(
  document: PolicyDocument,
  evaluation: PolicyEvaluation,
  facts: WebIdentityFacts,
  sts: StsErrorEvidence | undefined,
  offer: TrustFixOffer,
  candidate: { evaluation: StatementEvaluation; statement: PolicyStatement } | undefined,
): Diagnosis {
  const deny = evaluation.statements.find((statement) => statement.applies && statement.effect === 'Deny')!;
  const statement = document.statements[deny.index]!;
  // Past the Deny, the Allow meant for the token may fail too: name those faults as well.
  const allowFindings = candidate ? statementFindings(candidate.evaluation, candidate.statement, facts) : [];
  return diagnosisOf(
    [
      {
        code: 'trust_explicit_deny',
        cause: `${deny.path}${deny.sid ? ` (${deny.sid})` : ''} explicitly denies this token, and an explicit Deny overrides every Allow.`,
        setting: `${TRUST} › ${deny.path}`,
        actual: `Deny ${(statement.action ?? statement.notAction ?? []).join(', ')}`,
        expected: null,
        fix:
          offer.offeredFix.status === 'proven'
            ? `Narrow the Deny statement so that it does not match ${facts.subject ?? 'this subject'}: replace the whole trust policy with the corrected document below.`
            : `Narrow or remove the Deny statement so that it does not match ${facts.subject ?? 'this subject'}.`,
      },
      ...allowFindings,
    ],
    { basis: 'trust_policy', correctedDocument: offer.correctedDocument, offeredFix: offer.offeredFix, ...(sts ? { sts } : {}) },
  );
}

/**
 * The pasted policy would let the token in, yet STS refused: the role's real policy differs from what was
 * pasted, or the role does not exist (STS answers the same AccessDenied for a missing role).
 */
function policyAllowsDiagnosis(facts: WebIdentityFacts, sts: StsErrorEvidence | undefined): Diagnosis {
  return diagnosisOf(
    [
      {
        code: 'trust_policy_not_in_effect',
        cause: `The trust policy given to the doctor allows this token, but STS refused it: the role ${facts.roleArn} does not exist, or its trust policy is not the one given.`,
        setting: `IAM role ${facts.roleArn}`,
        actual: null,
        expected: 'a role whose trust policy is the one given',
        fix: `Check that the role exists in account ${facts.accountId} and that its trust policy is the one given (aws iam get-role --role-name ${facts.roleName}); IAM changes can take a few seconds to apply.`,
      },
    ],
    {
      basis: 'inferred',
      confirm: `aws iam get-role --role-name ${facts.roleName} --query Role.AssumeRolePolicyDocument`,
      ...provenStandalone(facts),
      ...(sts ? { sts } : {}),
    },
  );
}

/** Without the policy: what STS's refusal implies, the statement that would work, and how to check. */
function inferredTrustDiagnosis(facts: WebIdentityFacts, sts: StsErrorEvidence | undefined): Diagnosis {
  const tags = facts.passesSessionTags ? `, allow ${TAG_SESSION} (the token passes session tags)` : '';
  return diagnosisOf(
    [
      {
        code: 'trust_policy_refused',
        cause:
          `STS accepted the token (provider, audience, signature and expiry are fine) and then refused it on the role: ` +
          `the trust policy of ${facts.roleArn} does not admit this token, or the role does not exist.`,
        setting: `${TRUST} of ${facts.roleArn}`,
        actual: null,
        expected: `an Allow for Federated ${facts.providerArn}, action ${ASSUME_ROLE_WITH_WEB_IDENTITY}, ${facts.keyPrefix}:aud = ${facts.audiences[0] ?? '?'}, ${facts.keyPrefix}:sub admitting ${facts.subject ?? '?'}`,
        fix:
          `Make the trust policy name the principal ${facts.providerArn}${tags}, and pin ${facts.keyPrefix}:aud and ${facts.keyPrefix}:sub to the values above ` +
          `(use the corrected statement below); the most common faults are a sub pinned with StringEquals to a prefix, and a provider ARN that is not the issuer URL.`,
      },
    ],
    {
      basis: 'inferred',
      confirm:
        `Read the trust policy (aws iam get-role --role-name ${facts.roleName} --query Role.AssumeRolePolicyDocument) and run the test again with it ` +
        `(rolebridge connections test … --trust-policy FILE) to have the failing statement and condition named.`,
      ...provenStandalone(facts),
      ...(sts ? { sts } : {}),
    },
  );
}

/** Without the policy: the exact statement for this token, offered only once the engine proves it alone. */
function provenStandalone(facts: WebIdentityFacts): Pick<Diagnosis, 'correctedStatement' | 'offeredFix'> {
  if (facts.subject === undefined || facts.providerArn === '') {
    return { offeredFix: { status: 'none', reason: 'the token has no sub or its issuer is not an issuer URL IAM accepts, so no statement can safely admit it' } };
  }
  const statement = correctedTrustStatement(undefined, facts);
  const proof = proveTrustFix({ Version: '2012-10-17', Statement: [statement] }, [statement], facts, { admits: () => false });
  if (!proof.ok) return { offeredFix: { status: 'none', reason: proof.reason } };
  return { correctedStatement: statement, offeredFix: { status: 'proven', scope: 'statement', refusedProbes: proof.refusedProbes, admittedAsBefore: [] } };
}

function describePrincipal(statement: PolicyStatement): string | null {
  const principal = statement.principal ?? statement.notPrincipal;
  if (principal === undefined) return null;
  if (principal === '*') return '*';
  return Object.entries(principal)
    .map(([kind, ids]) => `${kind} ${(ids ?? []).join(', ')}`)
    .join('; ');
}
