import { describe, expect, it } from 'vitest';
import { stsCallErrorFrom } from '../../src/aws/index.js';

const where = { operation: 'AssumeRoleWithWebIdentity' as const, step: 0, roleArn: 'arn:aws:iam::123456789012:role/r' };

/** The shape the SDK v3 throws for a Query-protocol error (checked against the SDK: the wire code is in `Code`). */
function sdkError(code: string, status: number, name = code) {
  return Object.assign(new Error(`message for ${code}`), { name, Code: code, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'rid' } });
}

describe('stsCallErrorFrom', () => {
  it('maps AccessDenied to access_denied 403 with STS\'s code and message', () => {
    const error = stsCallErrorFrom(sdkError('AccessDenied', 403), where);
    expect(error).toMatchObject({ code: 'access_denied', status: 403 });
    expect(error.details).toMatchObject({ stsCode: 'AccessDenied', stsMessage: 'message for AccessDenied', step: 0, requestId: 'rid' });
  });

  it('uses the wire code, not the SDK class name', () => {
    const error = stsCallErrorFrom(sdkError('InvalidIdentityToken', 400, 'InvalidIdentityTokenException'), where);
    expect(error.failure.stsCode).toBe('InvalidIdentityToken');
    expect(error.code).toBe('access_denied');
  });

  it('maps parameter errors to sts_validation_failed 422', () => {
    expect(stsCallErrorFrom(sdkError('ValidationError', 400), where)).toMatchObject({ code: 'sts_validation_failed', status: 422 });
  });

  it('maps throttling, 5xx and unreachable STS to sts_unavailable 503', () => {
    expect(stsCallErrorFrom(sdkError('Throttling', 400), where)).toMatchObject({ code: 'sts_unavailable', status: 503, transient: true });
    expect(stsCallErrorFrom(sdkError('InternalError', 500), where)).toMatchObject({ code: 'sts_unavailable' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    expect(stsCallErrorFrom(refused, where)).toMatchObject({ code: 'sts_unavailable', failure: { stsCode: 'NetworkError' } });
  });
});
