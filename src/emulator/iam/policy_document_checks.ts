import { PolicyParseError, type PolicyDocument, parsePolicy } from '../../policy/index.js';
import { ConstraintChecker, PATTERNS } from '../constraints.js';
import { iamErrors } from './iam_errors.js';

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

export function checkTrustPolicy(document: string | undefined): void {
  new ConstraintChecker()
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
  }
  if (quotaLength(document!) > TRUST_POLICY_QUOTA) throw iamErrors.quota('ACLSizePerRole', TRUST_POLICY_QUOTA);
}

export function checkPermissionPolicy(document: string | undefined): PolicyDocument {
  new ConstraintChecker()
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
