import {
  type AuthorizationRequest,
  type PolicyDocument,
  type PolicyEvaluation,
  evaluatePolicy,
  parsePolicy,
} from '../policy/index.js';

/**
 * The emulator's only door to the policy engine: every trust and permission decision is made by
 * src/policy, never re-implemented here.
 */
export type Decision = PolicyEvaluation['decision'];

/** Parses a stored policy document; documents are validated when stored, so this does not fail. */
function parseStored(document: string): PolicyDocument {
  return parsePolicy(document);
}

/** A trust-policy decision; with session tags both the action and `sts:TagSession` must be allowed. */
export function trustDecision(trustPolicy: string, request: AuthorizationRequest): Decision {
  const evaluation = evaluatePolicy(parseStored(trustPolicy), request);
  if (evaluation.decision !== 'Allowed') return evaluation.decision;
  if (request.requiresTagSession && evaluation.tagSession !== undefined) return evaluation.tagSession.decision;
  return evaluation.decision;
}

/**
 * Identity-based decision over a principal's inline policies: an explicit deny anywhere wins,
 * otherwise some policy must allow (IAM's evaluation logic within one account).
 */
export function identityDecision(policies: readonly string[], request: AuthorizationRequest): Decision {
  let allowed = false;
  for (const document of policies) {
    const decision = evaluatePolicy(parseStored(document), request).decision;
    if (decision === 'ExplicitlyDenied') return 'ExplicitlyDenied';
    if (decision === 'Allowed') allowed = true;
  }
  return allowed ? 'Allowed' : 'ImplicitlyDenied';
}

/**
 * A decision with the statements that made it, by index in the document (Allow statements for an
 * allow, Deny statements for an explicit deny, none for an implicit deny): SimulatePrincipalPolicy's
 * MatchedStatements.
 */
export function decisionWithStatements(document: string, request: AuthorizationRequest): { decision: Decision; matched: number[] } {
  const evaluation = evaluatePolicy(parseStored(document), request);
  const effect = evaluation.decision === 'Allowed' ? 'Allow' : evaluation.decision === 'ExplicitlyDenied' ? 'Deny' : undefined;
  const matched = effect === undefined ? [] : evaluation.statements.filter((s) => s.applies && s.effect === effect).map((s) => s.index);
  return { decision: evaluation.decision, matched };
}
