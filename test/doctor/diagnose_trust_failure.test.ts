import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluatePolicy, parsePolicy, webIdentityRequest } from '../../src/policy/index.js';
import { diagnoseTrustFailure } from '../../src/doctor/diagnose_trust_failure.js';
import { correctedSubjectCondition } from '../../src/doctor/corrected_trust_statement.js';
import { webIdentityFacts } from '../../src/doctor/web_identity_context.js';

const issuer = 'https://id.example.com/t/acme';
const prefix = 'id.example.com/t/acme';
const account = '123456789012';
const roleArn = `arn:aws:iam::${account}:role/rolebridge-etl`;
const providerArn = `arn:aws:iam::${account}:oidc-provider/${prefix}`;
const subject = 'tenant:acme:deployment:prod:component:etl';
const claims = { iss: issuer, aud: 'sts.amazonaws.com', sub: subject, jti: 'j1' };
const facts = webIdentityFacts({ claims, roleArn });

/** Whether a corrected statement really lets this token in, per the same engine STS (the emulator) uses. */
function admits(statement: object, tokenClaims: Record<string, unknown> = claims): boolean {
  const request = webIdentityRequest({ claims: tokenClaims, providerArn, roleArn });
  return evaluatePolicy(parsePolicy({ Version: '2012-10-17', Statement: [statement] }), request).decision === 'Allowed';
}

const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('diagnoseTrustFailure with the trust policy', () => {
  it('diagnoses the seeds case to both faults: a /oidc-provider principal and StringEquals on a deployment prefix', () => {
    const seed = policy({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${prefix}/oidc-provider` },
      Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: 'tenant:acme:deployment:prod' } },
    });
    const diagnosis = diagnoseTrustFailure(facts, seed);
    expect(diagnosis.basis).toBe('trust_policy');
    expect(diagnosis.findings.map((finding) => finding.code)).toEqual(['trust_principal_mismatch', 'trust_subject_mismatch']);
    expect(diagnosis.code).toBe('trust_principal_mismatch');
    expect(diagnosis.expected).toBe(providerArn);
    expect(diagnosis.actual).toBe(`arn:aws:iam::${account}:oidc-provider/${prefix}/oidc-provider`);
    expect(diagnosis.findings[1]!.setting).toContain(`Statement[0].Condition.StringEquals["${prefix}:sub"]`);
    expect(diagnosis.findings[1]!.expected).toBe('StringLike tenant:acme:deployment:prod:*');
    expect(diagnosis.correctedStatement).toEqual({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${prefix}:sub`]: 'tenant:acme:deployment:prod:*' },
      },
    });
    expect(admits(diagnosis.correctedStatement!)).toBe(true);
    // Still deployment-wide: another deployment stays out.
    expect(admits(diagnosis.correctedStatement!, { ...claims, sub: 'tenant:acme:deployment:dev:component:etl' })).toBe(false);
  });

  it.each([
    ['wrong action', { Action: 'sts:AssumeRole' }, 'trust_action_mismatch'],
    ['audience condition', { Condition: { StringEquals: { [`${prefix}:aud`]: 'prefect-cloud', [`${prefix}:sub`]: subject } } }, 'trust_audience_mismatch'],
    ['sts:ExternalId on web identity', { Condition: { StringEquals: { [`${prefix}:sub`]: subject, 'sts:ExternalId': 'abc123' } } }, 'trust_external_id_on_web_identity'],
    ['custom claim key', { Condition: { StringEquals: { [`${prefix}:sub`]: subject, [`${prefix}:deployment`]: 'prod' } } }, 'trust_condition_key_unavailable'],
    ['wrong key prefix', { Condition: { StringEquals: { [`${prefix}/oidc-provider:sub`]: subject } } }, 'trust_condition_key_mismatch'],
  ])('names %s and corrects it', (_name, override, code) => {
    const statement = { Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: providerArn }, ...override };
    const diagnosis = diagnoseTrustFailure(facts, policy(statement));
    expect(diagnosis.code).toBe(code);
    expect(admits(diagnosis.correctedStatement!)).toBe(true);
  });

  it.each([
    ['StringNotLike', 'tenant:acme:*'],
    ['StringNotEquals', subject],
    ['StringNotLike', subject],
  ])('reads %s as the negation it is: a %s that matches the subject refuses it', (operator, value) => {
    const statement = { Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: providerArn }, Condition: { [operator]: { [`${prefix}:sub`]: value } } };
    expect(admits(statement)).toBe(false);
    const diagnosis = diagnoseTrustFailure(facts, policy(statement));
    expect(diagnosis.code).toBe('trust_subject_mismatch');
    expect(diagnosis.expected).toBe(`StringEquals ${subject}`);
    expect(admits(diagnosis.correctedStatement!)).toBe(true);
  });

  it('names a missing sts:TagSession when the token passes session tags', () => {
    const tagged = { ...claims, 'https://aws.amazon.com/tags': { principal_tags: { tenant: ['acme'] } } };
    const statement = { Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: providerArn }, Condition: { StringEquals: { [`${prefix}:sub`]: subject } } };
    const diagnosis = diagnoseTrustFailure(webIdentityFacts({ claims: tagged, roleArn }), policy(statement));
    expect(diagnosis.code).toBe('trust_missing_tag_session');
    expect(diagnosis.correctedStatement!.Action).toEqual(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    expect(admits(diagnosis.correctedStatement!, tagged)).toBe(true);
  });

  it('says the role or its policy differs when the given policy allows the token', () => {
    const statement = { Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: providerArn }, Condition: { StringEquals: { [`${prefix}:sub`]: subject } } };
    expect(diagnoseTrustFailure(facts, policy(statement)).code).toBe('trust_policy_not_in_effect');
  });

  it('infers, and says how to confirm, when the policy is not known', () => {
    const diagnosis = diagnoseTrustFailure(facts, undefined);
    expect(diagnosis).toMatchObject({ code: 'trust_policy_refused', basis: 'inferred' });
    expect(diagnosis.confirm).toContain('--trust-policy');
    expect(admits(diagnosis.correctedStatement!)).toBe(true);
  });
});

describe('correctedSubjectCondition', () => {
  const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
  it('keeps a prefix pin as a prefix pattern and pins anything else exactly, always admitting the subject', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.nat(6), fc.option(segment), (segments, cut, unrelated) => {
        const sub = segments.join(':');
        const required = unrelated ?? segments.slice(0, Math.min(cut, segments.length - 1) + 1).join(':');
        const corrected = correctedSubjectCondition([required], sub);
        const pattern = new RegExp(`^${corrected.value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        expect(pattern.test(sub)).toBe(true);
        if (sub.startsWith(`${required}:`)) expect(corrected).toEqual({ operator: 'StringLike', value: `${required}:*` });
        else expect(corrected).toEqual({ operator: 'StringEquals', value: sub });
      }),
    );
  });
});

describe('the corrected statement, for any combination of the usual faults', () => {
  const otherPrefix = `${prefix}/oidc-provider`;
  const statementArbitrary = fc.record({
    principal: fc.constantFrom(providerArn, `${providerArn}/oidc-provider`, `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`),
    action: fc.constantFrom<string | string[]>('sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole', ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']),
    keyPrefix: fc.constantFrom(prefix, otherPrefix),
    sub: fc.option(fc.constantFrom(subject, 'tenant:acme:deployment:prod', 'tenant:acme:*', 'tenant:other:*', 'nobody'), { nil: undefined }),
    subOperator: fc.constantFrom('StringEquals', 'StringLike'),
    aud: fc.option(fc.constantFrom('sts.amazonaws.com', 'prefect-cloud'), { nil: undefined }),
    externalId: fc.boolean(),
    customClaim: fc.boolean(),
    tags: fc.boolean(),
  });

  it('lets the token in, and names at least one fault whenever the original refused it', () => {
    fc.assert(
      fc.property(statementArbitrary, (shape) => {
        const conditions: Record<string, Record<string, string>> = {};
        const put = (operator: string, key: string, value: string) => ((conditions[operator] ??= {})[key] = value);
        if (shape.sub !== undefined) put(shape.subOperator, `${shape.keyPrefix}:sub`, shape.sub);
        if (shape.aud !== undefined) put('StringEquals', `${shape.keyPrefix}:aud`, shape.aud);
        if (shape.externalId) put('StringEquals', 'sts:ExternalId', 'x-123');
        if (shape.customClaim) put('StringEquals', `${shape.keyPrefix}:deployment`, 'prod');
        const statement = { Effect: 'Allow', Principal: { Federated: shape.principal }, Action: shape.action, Condition: conditions };
        const tokenClaims = shape.tags ? { ...claims, 'https://aws.amazon.com/tags': { principal_tags: { team: ['etl'] } } } : claims;
        const tokenFacts = webIdentityFacts({ claims: tokenClaims, roleArn });
        const diagnosis = diagnoseTrustFailure(tokenFacts, policy(statement));
        if (diagnosis.code === 'trust_policy_not_in_effect') {
          // The policy already admits the token: nothing to correct.
          expect(admits(statement, tokenClaims)).toBe(true);
          return;
        }
        expect(admits(statement, tokenClaims)).toBe(false);
        expect(diagnosis.findings.length).toBeGreaterThan(0);
        expect(admits(diagnosis.correctedStatement!, tokenClaims)).toBe(true);
        // Never wider than the issuer's own tenant: another tenant's subject stays out.
        expect(admits(diagnosis.correctedStatement!, { ...tokenClaims, sub: 'tenant:rb-probe-acme:deployment:prod:component:etl' })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
