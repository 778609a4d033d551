import { parseArn } from './arn.js';
import type { AuthorizationRequest } from './authorization_request.js';
import { explainCondition } from './explain_condition.js';
import type { PolicyDocument } from './policy_document.js';
import type { ConditionEvaluation, Decision, ElementEvaluation, PolicyEvaluation, StatementEvaluation } from './policy_evaluation.js';
import { contextValueOf } from './match_condition.js';
import { actionMatches, principalMatches, resourceMatches } from './match_elements.js';
import { preparePolicy, type PreparedPolicy, type PreparedStatement } from './prepare_policy.js';

export const TAG_SESSION = 'sts:TagSession';

/**
 * Evaluates a request against a policy the way IAM does (explicit Deny beats Allow; no Allow is an implicit
 * deny) and explains every statement and condition. When the request passes session tags, `sts:TagSession`
 * is evaluated too and must also be allowed.
 */
export function evaluatePolicy(policy: PolicyDocument | PreparedPolicy | string | object, request: AuthorizationRequest): PolicyEvaluation {
  const prepared = preparePolicy(policy);
  const main = evaluateAction(prepared, request, request.action);
  if (!request.requiresTagSession || request.action.toLowerCase() === TAG_SESSION.toLowerCase()) return main;
  const tagSession = evaluateAction(prepared, request, TAG_SESSION);
  if (main.decision !== 'Allowed' || tagSession.decision === 'Allowed') return { ...main, tagSession };
  return {
    ...main,
    decision: tagSession.decision,
    summary:
      `${request.action} is allowed, but the token passes session tags and ${tagSession.decision === 'ExplicitlyDenied' ? 'a statement denies' : 'no statement allows'} ` +
      `${TAG_SESSION}; AWS refuses the whole request. Add "${TAG_SESSION}" to the Action of the statement that allows ${request.action}.`,
    tagSession,
  };
}

function evaluateAction(policy: PreparedPolicy, request: AuthorizationRequest, action: string): PolicyEvaluation {
  const statements = policy.statements.map((statement) => evaluateStatement(statement, request, action));
  const deny = statements.find((statement) => statement.applies && statement.effect === 'Deny');
  const allow = statements.find((statement) => statement.applies && statement.effect === 'Allow');
  const decision: Decision = deny ? 'ExplicitlyDenied' : allow ? 'Allowed' : 'ImplicitlyDenied';
  return { decision, action, summary: summarise(decision, statements, request, action), statements };
}

function evaluateStatement(prepared: PreparedStatement, request: AuthorizationRequest, action: string): StatementEvaluation {
  const { statement } = prepared;
  const principal = explainPrincipal(prepared, request);
  const actionResult = explainAction(prepared, action, request);
  const resource = explainResource(prepared, request);
  const conditions: ConditionEvaluation[] = prepared.conditions.map((condition) =>
    explainCondition(condition, request, contextValueOf(condition, request)),
  );
  const failedConditions = conditions.filter((condition) => !condition.matched);
  const applies = principal.matched && actionResult.matched && resource.matched && failedConditions.length === 0;
  const reasons = [principal, actionResult, resource].filter((part) => !part.matched).map((part) => part.explanation);
  reasons.push(...failedConditions.map((condition) => condition.explanation));
  const explanation = applies
    ? `${statement.effect} applies: principal, action${statement.conditions.length > 0 ? ' and every condition' : ''} match.`
    : `Does not apply: ${reasons.join(' ')}`;
  return {
    index: statement.index,
    path: statement.path,
    ...(statement.sid === undefined ? {} : { sid: statement.sid }),
    effect: statement.effect,
    applies,
    principal,
    action: actionResult,
    resource,
    conditions,
    explanation,
  };
}

function explainPrincipal(prepared: PreparedStatement, request: AuthorizationRequest): ElementEvaluation {
  const { statement } = prepared;
  const spec = statement.principal ?? statement.notPrincipal;
  const who = `${request.principal.kind} ${code(request.principal.id)}`;
  if (spec === undefined) return { matched: true, explanation: 'The statement names no principal (an identity policy).' };
  const matched = principalMatches(prepared, request);
  const element = prepared.principalNegated ? 'NotPrincipal' : 'Principal';
  if (matched) {
    return { matched, explanation: prepared.principalNegated ? `${who} is not excluded by NotPrincipal.` : `${who} is named in Principal.` };
  }
  if (prepared.principalNegated) return { matched, explanation: `${who} is excluded by NotPrincipal.` };
  const named = spec === '*' ? '*' : Object.entries(spec).map(([kind, ids]) => `${kind} ${ids.map(code).join(', ')}`).join('; ');
  const advice = spec === '*' ? '' : federatedAdvice(spec.Federated ?? [], request);
  return { matched, explanation: `${element} names ${named}, not ${who}.${advice}` };
}

/** Why a Federated principal missed: the provider ARN lost the issuer's path, or names another account. */
function federatedAdvice(federated: readonly string[], request: AuthorizationRequest): string {
  if (request.principal.kind !== 'Federated') return '';
  const requested = parseArn(request.principal.id);
  if (requested === undefined) return '';
  for (const id of federated) {
    const named = parseArn(id);
    if (named === undefined || named.service !== 'iam') continue;
    if (named.accountId === requested.accountId && requested.resource.startsWith(`${named.resource}/`)) {
      return ` The provider ARN must keep the issuer's path: ${code(request.principal.id)}.`;
    }
    if (named.resource === requested.resource && named.accountId !== requested.accountId) {
      return ` The policy names the provider in account ${named.accountId}, but the token is checked against the provider in account ${requested.accountId} (the role's account).`;
    }
  }
  return '';
}

function explainAction(prepared: PreparedStatement, action: string, request: AuthorizationRequest): ElementEvaluation {
  const { statement } = prepared;
  const matched = actionMatches(prepared, action);
  const listed = (statement.action ?? statement.notAction ?? []).map(code).join(', ');
  if (prepared.actionNegated) {
    return { matched, explanation: matched ? `${code(action)} is not excluded by NotAction.` : `${code(action)} is excluded by NotAction (${listed}).` };
  }
  if (matched) return { matched, explanation: `${code(action)} matches Action ${listed}.` };
  let advice = '';
  if (request.principal.kind === 'Federated' && action === 'sts:AssumeRoleWithWebIdentity' && /sts:assumerole(?!with)/i.test(listed)) {
    advice = ' Web-identity federation needs sts:AssumeRoleWithWebIdentity, not sts:AssumeRole.';
  }
  return { matched, explanation: `Action lists ${listed}, not ${code(action)}.${advice}` };
}

function explainResource(prepared: PreparedStatement, request: AuthorizationRequest): ElementEvaluation {
  const { statement } = prepared;
  const patterns = statement.resource ?? statement.notResource;
  if (patterns === undefined || request.resource === undefined) return { matched: true, explanation: 'No resource to check.' };
  const matched = resourceMatches(prepared, request);
  const element = prepared.resourceNegated ? 'NotResource' : 'Resource';
  return {
    matched,
    explanation: `${code(request.resource)} ${matched !== prepared.resourceNegated ? 'matches' : 'does not match'} ${element} ${patterns.map(code).join(', ')}.`,
  };
}

function summarise(decision: Decision, statements: readonly StatementEvaluation[], request: AuthorizationRequest, action: string): string {
  const label = (statement: StatementEvaluation) => `${statement.path}${statement.sid ? ` (${statement.sid})` : ''}`;
  if (decision === 'ExplicitlyDenied') {
    const deny = statements.find((statement) => statement.applies && statement.effect === 'Deny')!;
    return `Explicitly denied by ${label(deny)}: an explicit Deny overrides every Allow.`;
  }
  if (decision === 'Allowed') {
    const allow = statements.find((statement) => statement.applies && statement.effect === 'Allow')!;
    return `Allowed by ${label(allow)}.`;
  }
  // The closest Allow: principal and action match, only conditions (or the resource) fail.
  const closest = statements.find((statement) => statement.effect === 'Allow' && statement.principal.matched && statement.action.matched);
  if (closest) {
    const reasons = [closest.resource, ...closest.conditions].filter((part) => !part.matched).map((part) => part.explanation);
    const failing = closest.resource.matched ? (reasons.length === 1 ? 'a condition fails' : 'conditions fail') : 'the resource does not match';
    return `Implicitly denied: ${label(closest)} matches the principal and action, but ${failing}: ${reasons.join(' ')}`;
  }
  const namesPrincipal = statements.find((statement) => statement.effect === 'Allow' && statement.principal.matched);
  if (namesPrincipal) return `Implicitly denied: ${label(namesPrincipal)} names this principal, but ${namesPrincipal.action.explanation}`;
  return `Implicitly denied: no statement allows ${action} for ${request.principal.kind} ${code(request.principal.id)}.`;
}

const code = (text: string): string => `\`${text}\``;
