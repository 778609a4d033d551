import { PolicyParseError, type PolicyDocument, type PolicyStatement, parseArn, parsePolicy } from '../../policy/index.js';
import { PATTERNS } from '../constraints.js';
import type { EmulatorState } from '../emulator_state.js';
import { iamChecker } from './iam_checker.js';
import { iamErrors } from './iam_errors.js';
import { isLoopbackHost } from './provider_url.js';

/**
 * IAM's checks when a policy document is stored: model constraints, then the policy grammar
 * (src/policy's parser), then what IAM forbids in each kind of document. Texts IAM is known to
 * send are used where the case is known (AWS-REFERENCE §5.4); otherwise the parser's own message.
 */
function parseForIam(document: string): PolicyDocument {
  try {
    JSON.parse(document);
  } catch {
    throw iamErrors.malformedPolicy('This policy contains invalid Json');
  }
  try {
    return parsePolicy(document);
  } catch (error) {
    if (error instanceof PolicyParseError) throw iamErrors.malformedPolicy(error.message);
    throw error;
  }
}

/** The trust-policy quota counts characters without white space. */
function quotaLength(document: string): number {
  return document.replace(/\s/g, '').length;
}

/** Role trust policy length quota (default 2048). */
export const TRUST_POLICY_QUOTA = 2048;

/**
 * `Condition can contain only one colon.` (AWS-REFERENCE §3.1: a key still carrying `https://`).
 * The one exception is a loopback issuer's `host:port/path:claim` key, which the emulator accepts.
 */
function checkConditionKeys(statement: PolicyStatement): void {
  for (const condition of statement.conditions) {
    const colons = condition.key.split(':').length - 1;
    if (colons <= 1) continue;
    const host = condition.key.split(':')[0] ?? '';
    const loopbackPort = colons === 2 && isLoopbackHost(host) && /^[^:]+:\d+[/:]/.test(condition.key);
    if (!loopbackPort) throw iamErrors.malformedPolicy('Condition can contain only one colon.');
  }
}

/** `Federated` names an OIDC/SAML provider ARN or a domain (AWS-REFERENCE §5.4). */
function checkFederatedPrincipals(statement: PolicyStatement): void {
  const spec = statement.principal;
  if (spec === undefined || spec === '*') return;
  for (const federated of spec.Federated ?? []) {
    const arn = parseArn(federated);
    const providerArn = arn !== undefined && arn.service === 'iam' && /^(oidc|saml)-provider\/./.test(arn.resource);
    const domain = arn === undefined && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(federated);
    if (!providerArn && !domain) {
      throw iamErrors.malformedPolicy('Federated principals must be valid domain names or SAML metadata ARNs');
    }
  }
}

/**
 * IAM resolves role and user principals when the policy is stored, so naming one that does not exist
 * fails (`Invalid principal in policy: "AWS":"<arn>"`, AWS-REFERENCE §5.4). Checked for the emulator's
 * own accounts only; ARNs in other accounts are taken as they are.
 */
function checkAwsPrincipalsExist(statement: PolicyStatement, state: EmulatorState): void {
  const spec = statement.principal;
  if (spec === undefined || spec === '*') return;
  for (const principal of spec.AWS ?? []) {
    const arn = parseArn(principal);
    const account = arn === undefined ? undefined : state.accounts[arn.accountId];
    if (arn === undefined || account === undefined || arn.service !== 'iam' || principal.includes('*')) continue;
    const [kind, ...rest] = arn.resource.split('/');
    const name = (rest.at(-1) ?? '').toLowerCase();
    const exists = kind === 'role' ? account.roles[name] !== undefined : kind === 'user' ? account.users[name] !== undefined : true;
    if (!exists) throw iamErrors.malformedPolicy(`Invalid principal in policy: "AWS":"${principal}"`);
  }
}

/**
 * Actions a trust policy may name: STS's role-assumption family and what goes with it (tags, source
 * identity, context), or wildcards over it. Anything else is refused with AWS's recorded text
 * "AssumeRole policy may only specify STS AssumeRole actions." (LocalStack's test_iam_roles).
 */
const TRUST_ACTIONS = ['sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity', 'sts:tagsession', 'sts:setsourceidentity', 'sts:setcontext'];

function isTrustAction(action: string): boolean {
  const lower = action.toLowerCase();
  if (!lower.includes('*') && !lower.includes('?')) return TRUST_ACTIONS.includes(lower);
  const pattern = new RegExp(`^${lower.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return TRUST_ACTIONS.some((known) => pattern.test(known));
}

function checkTrustActions(statement: PolicyStatement): void {
  for (const action of statement.action ?? []) {
    if (!isTrustAction(action)) throw iamErrors.malformedPolicy('AssumeRole policy may only specify STS AssumeRole actions.');
  }
}

export function checkTrustPolicy(document: string | undefined, state?: EmulatorState): void {
  iamChecker()
    .string(document, { member: 'assumeRolePolicyDocument', required: true, min: 1, max: 131072, pattern: PATTERNS.policyDocument })
    .throwIfAny();
  const policy = parseForIam(document!);
  for (const statement of policy.statements) {
    if (statement.resource !== undefined || statement.notResource !== undefined) {
      throw iamErrors.malformedPolicy(`Has prohibited field ${statement.resource !== undefined ? 'Resource' : 'NotResource'}`);
    }
    if (statement.principal === undefined && statement.notPrincipal === undefined) {
      throw iamErrors.malformedPolicy('Missing required field Principal');
    }
    checkTrustActions(statement);
    checkFederatedPrincipals(statement);
    checkConditionKeys(statement);
    if (state !== undefined) checkAwsPrincipalsExist(statement, state);
  }
  if (quotaLength(document!) > TRUST_POLICY_QUOTA) throw iamErrors.quota('ACLSizePerRole', TRUST_POLICY_QUOTA);
}

export function checkPermissionPolicy(document: string | undefined): PolicyDocument {
  iamChecker()
    .string(document, { member: 'policyDocument', required: true, min: 1, max: 131072, pattern: PATTERNS.policyDocument })
    .throwIfAny();
  const policy = parseForIam(document!);
  for (const statement of policy.statements) {
    if (statement.principal !== undefined || statement.notPrincipal !== undefined) {
      throw iamErrors.malformedPolicy('Policy document should not specify a principal.');
    }
    if (statement.resource === undefined && statement.notResource === undefined) {
      throw iamErrors.malformedPolicy('Policy statement must contain resources.');
    }
  }
  return policy;
}

/** Inline policies' aggregate size quotas: 10,240 characters per role, 2,048 per user (IAM quotas). */
export function checkInlinePolicySize(kind: 'role' | 'user', documents: readonly string[]): void {
  const limit = kind === 'role' ? 10240 : 2048;
  const total = documents.reduce((sum, document) => sum + quotaLength(document), 0);
  if (total > limit) {
    throw iamErrors.quota(kind === 'role' ? 'RolePolicySize' : 'UserPolicySize', limit);
  }
}
