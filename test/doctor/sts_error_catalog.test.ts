import { describe, expect, it } from 'vitest';
import { diagnoseStsError, type DiagnosisContext } from '../../src/doctor/sts_error_catalog.js';
import type { StsErrorEvidence } from '../../src/doctor/diagnosis.js';
import { stsCallErrorFrom, TRANSIENT_STS_CODES } from '../../src/aws/index.js';

/**
 * AWS's verbatim texts (AWS-REFERENCE §1.6, §4, §6) for the answers the emulator cannot be made to give
 * (IDPRejectedClaim comes from OAuth2 providers; PackedPolicyTooLarge with real sizes is in e2e/packed_policy_too_large),
 * and the variants of texts it gives in one form only. Everything the emulator can give is covered
 * end to end in test_connection_catalog.test.ts.
 */
const context: DiagnosisContext = {
  claims: { iss: 'https://id.example.com/t/acme', aud: 'sts.amazonaws.com', sub: 'tenant:acme:deployment:prod:component:etl' },
  connection: {
    name: 'warehouse',
    roleArn: 'arn:aws:iam::123456789012:role/etl',
    region: 'eu-west-1',
    tokenConfig: 'default',
    chain: [{ roleArn: 'arn:aws:iam::210987654321:role/vendor', externalId: 'acme-1' }],
  },
  now: 1_731_098_000_000,
};
const web = (code: string, message: string): StsErrorEvidence => ({ operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: context.connection.roleArn, code, message });
const hop = (code: string, message: string): StsErrorEvidence => ({ operation: 'AssumeRole', step: 1, roleArn: 'arn:aws:iam::210987654321:role/vendor', code, message });

describe('diagnoseStsError', () => {
  it.each([
    [web('IDPRejectedClaim', 'graph.facebook.com: graph.facebook.com responded with HTTP/1.1 400 Bad Request'), 'idp_rejected_claim'],
    [web('PackedPolicyTooLarge', 'Packed size of session tags consumes 498% of allotted space.'), 'packed_policy_too_large'],
    [web('ExpiredTokenException', 'Token expired: current date/time 1624482533 must be before the expiration date/time1624482335'), 'token_expired'],
    [web('ExpiredTokenException', 'Token too old: 441398'), 'token_too_old'],
    [web('InvalidIdentityToken', "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"), 'provider_thumbprint_mismatch'],
    [web('InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"), 'verification_key_unretrievable'],
    [web('ValidationError', "1 validation error detected: Value 'dependabot[bot]' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"), 'invalid_session_name'],
    [web('ValidationError', 'Request ARN is invalid'), 'invalid_role_arn'],
    [web('NetworkError', 'connect ECONNREFUSED 127.0.0.1:1'), 'sts_unreachable'],
    [hop('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/etl/rb-x is not authorized to perform: sts:TagSession on resource: arn:aws:iam::210987654321:role/vendor'), 'chain_missing_tag_session'],
    [hop('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/etl/rb-x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/vendor with an explicit deny'), 'chain_permission_missing'],
    [hop('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/etl/rb-x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/vendor because no identity-based policy allows the sts:AssumeRole action'), 'chain_permission_missing'],
    [hop('InvalidClientTokenId', 'The security token included in the request is invalid'), 'chain_credentials_rejected'],
  ])('%j → %s', (error, code) => {
    const diagnosis = diagnoseStsError(error, context);
    expect(diagnosis.code).toBe(code);
    expect(diagnosis.sts).toEqual(error);
    expect(diagnosis.cause.length).toBeGreaterThan(10);
  });

  it('matches on the message, not only the code: the same code with another text is another diagnosis', () => {
    expect(diagnoseStsError(web('InvalidIdentityToken', 'Incorrect token audience'), context).code).toBe('provider_audience_mismatch');
    expect(diagnoseStsError(web('InvalidIdentityToken', 'No OpenIDConnect provider found in your account for https://id.example.com/t/acme'), context).code).toBe(
      'oidc_provider_not_found',
    );
    expect(diagnoseStsError(web('InvalidIdentityToken', 'The web identity token signature could not be verified.'), context).code).toBe('token_rejected');
  });

  it('reads the 2021 expired-token text (no space before the second epoch) and shows both clocks', () => {
    const diagnosis = diagnoseStsError(web('ExpiredTokenException', 'Token expired: current date/time 1731098245 must be before the expiration date/time1731095240'), context);
    expect(diagnosis.actual).toContain('token exp 1731095240');
    expect(diagnosis.actual).toContain('clock skew 245 s');
  });

  it('shows an answer it does not know verbatim, with a generic next step, never swallowing it', () => {
    const error = { ...web('SessionDurationEscalationException', 'Something new from STS.'), requestId: 'req-42' };
    const diagnosis = diagnoseStsError(error, context);
    expect(diagnosis.code).toBe('unrecognized_sts_error');
    expect(diagnosis.actual).toBe('SessionDurationEscalationException: Something new from STS.');
    expect(diagnosis.fix).toContain('req-42');
    expect(diagnosis.sts).toEqual(error);
  });

  it('the same AccessDenied code on AssumeRoleWithWebIdentity goes to the trust diagnosis', () => {
    expect(diagnoseStsError(web('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'), context)).toMatchObject({
      code: 'trust_policy_refused',
      basis: 'inferred',
    });
  });
});

describe('one list of transient STS answers', () => {
  it('the doctor calls transient exactly what the broker answers 503 sts_unavailable for', () => {
    for (const code of TRANSIENT_STS_CODES) {
      expect(diagnoseStsError(web(code, 'Rate exceeded'), context).transient, code).toBe(true);
      expect(stsCallErrorFrom(Object.assign(new Error('Rate exceeded'), { Code: code, $metadata: { httpStatusCode: 400 } }), { operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: context.connection.roleArn }).code, code).toBe('sts_unavailable');
    }
    for (const code of ['AccessDenied', 'InvalidIdentityToken', 'ValidationError']) {
      expect(diagnoseStsError(web(code, 'Not authorized'), context).transient, code).toBe(false);
    }
  });
});
