import { ASSUME_ROLE_WITH_WEB_IDENTITY, conditionAdmits, TAG_SESSION, type PolicyStatement, type PolicyStatementJson } from '../policy/index.js';
import { isConditionKeyClaim } from '../claims/index.js';
import type { WebIdentityFacts } from './web_identity_context.js';

/** The claims AWS exposes as `<prefix>:<claim>` condition keys for a generic OIDC provider. */

/** A condition as the corrected statement will hold it. */
interface ConditionEntry {
  operator: string;
  key: string;
  values: string[];
}

/**
 * The subject condition that lets this token in while keeping the policy author's intent: a value that is a
 * `:`-separated prefix of the token's `sub` (a deployment-wide pin written with StringEquals) becomes
 * `StringLike "<prefix>:*"`; anything else becomes `StringEquals` on the token's exact `sub`.
 */
export function correctedSubjectCondition(required: readonly string[], subject: string): { operator: string; value: string } {
  for (const value of required) {
    if (value.includes('*') || value.includes('?')) continue;
    if (subject.startsWith(`${value}:`)) return { operator: 'StringLike', value: `${value}:*` };
    if (value.endsWith(':') && subject.startsWith(value)) return { operator: 'StringLike', value: `${value}*` };
  }
  return { operator: 'StringEquals', value: subject };
}

/**
 * Rewrites the statement that should have let the token in so that it does, changing only what is wrong:
 * the Federated principal becomes the provider ARN STS derives from `iss`, the action the web-identity one
 * (plus `sts:TagSession` when the token passes session tags), condition keys get the issuer's prefix,
 * conditions no web identity can satisfy (`sts:ExternalId`, custom claims) go, and a failing `sub`/`aud`
 * pin is corrected. A statement that pins neither `aud` nor `sub` gets both pinned to this token, because
 * a federated role without them trusts every subject of the issuer.
 */
export function correctedTrustStatement(
  statement: PolicyStatement | undefined,
  facts: WebIdentityFacts,
  failingConditionPaths: ReadonlySet<string> = new Set(),
): PolicyStatementJson {
  const conditions: ConditionEntry[] = [];
  for (const condition of statement?.conditions ?? []) {
    const rewritten = correctedCondition(condition, facts, failingConditionPaths.has(condition.path));
    if (rewritten) conditions.push(rewritten);
  }
  const audKey = `${facts.keyPrefix}:aud`;
  const subKey = `${facts.keyPrefix}:sub`;
  if (!conditions.some((entry) => entry.key === audKey) && facts.audiences[0] !== undefined) {
    conditions.unshift({ operator: 'StringEquals', key: audKey, values: [facts.audiences[0]] });
  }
  if (!conditions.some((entry) => entry.key === subKey) && facts.subject !== undefined) {
    conditions.push({ operator: 'StringEquals', key: subKey, values: [facts.subject] });
  }

  const originalActions = statement?.action ?? [];
  const wantsTagSession = facts.passesSessionTags || originalActions.some((action) => action.toLowerCase() === TAG_SESSION.toLowerCase());
  const actions = [ASSUME_ROLE_WITH_WEB_IDENTITY, ...(wantsTagSession ? [TAG_SESSION] : [])];

  return {
    ...(statement?.sid === undefined ? {} : { Sid: statement.sid }),
    Effect: 'Allow',
    Principal: { Federated: facts.providerArn },
    Action: actions.length === 1 ? actions[0]! : actions,
    Condition: conditionBlock(conditions),
  };
}

function correctedCondition(
  condition: PolicyStatement['conditions'][number],
  facts: WebIdentityFacts,
  failing: boolean,
): ConditionEntry | undefined {
  const key = condition.key;
  if (key.toLowerCase() === 'sts:externalid') return undefined;
  const colon = key.lastIndexOf(':');
  const prefix = key.slice(0, colon);
  const claim = key.slice(colon + 1).toLowerCase();
  const isProviderKey = colon > 0 && /[./]/.test(prefix);
  // A failing condition is replaced, never kept beside the corrected pin: kept, it would still refuse the token.
  if (!isProviderKey) return failing ? undefined : { operator: condition.operator, key, values: [...condition.values] };
  // AWS never exposes custom claims: such a condition can never match, whatever its value.
  if (!isConditionKeyClaim(claim)) return undefined;
  const correctKey = `${facts.keyPrefix}:${claim}`;
  const keyWasWrong = key !== correctKey;
  if (!failing && !keyWasWrong) return { operator: condition.operator, key, values: [...condition.values] };
  if (claim === 'sub' && facts.subject !== undefined) {
    if (matchesLiterally(condition, facts.subject)) return { operator: condition.operator, key: correctKey, values: [...condition.values] };
    const corrected = correctedSubjectCondition(condition.values, facts.subject);
    return { operator: corrected.operator, key: correctKey, values: [corrected.value] };
  }
  if (claim === 'aud' && facts.audiences[0] !== undefined) {
    if (matchesLiterally(condition, facts.audiences[0])) return { operator: condition.operator, key: correctKey, values: [...condition.values] };
    return { operator: 'StringEquals', key: correctKey, values: facts.audiences.slice(0, 1) };
  }
  // amr, azp or email the token does not satisfy: nothing this token carries can make it match.
  return failing ? undefined : { operator: condition.operator, key: correctKey, values: [...condition.values] };
}

/** Whether a sub or aud condition already admits the value, read with the policy engine's own operators. */
function matchesLiterally(condition: PolicyStatement['conditions'][number], value: string): boolean {
  return conditionAdmits(condition.operator, condition.values, value) ?? false;
}

function conditionBlock(entries: readonly ConditionEntry[]): Record<string, Record<string, string | string[]>> {
  const block: Record<string, Record<string, string | string[]>> = {};
  for (const entry of entries) {
    const operatorBlock = (block[entry.operator] ??= {});
    const existing = operatorBlock[entry.key];
    const merged = existing === undefined ? entry.values : [...new Set([...(Array.isArray(existing) ? existing : [existing]), ...entry.values])];
    operatorBlock[entry.key] = merged.length === 1 ? merged[0]! : merged;
  }
  return block;
}
