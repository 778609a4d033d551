import { describe, expect, it } from 'vitest';
import { loadConfig, parseOperatorAuth } from '../../src/config/index.js';

const base = { ROLEBRIDGE_AUTH_JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC', ROLEBRIDGE_AUTH_JWT_AUDIENCE: 'client-a, client-b' };

function refusal(env: Record<string, string>): { code?: string; message?: string; details?: unknown } {
  try {
    parseOperatorAuth(env);
  } catch (error) {
    return error as { code?: string; message?: string; details?: unknown };
  }
  return {};
}

describe('ROLEBRIDGE_AUTH_JWT_*', () => {
  it('is off without an issuer, and reads the documented defaults with one', () => {
    expect(loadConfig({}).operatorAuth).toBeUndefined();
    expect(parseOperatorAuth(base)).toEqual({
      issuer: base.ROLEBRIDGE_AUTH_JWT_ISSUER,
      audiences: ['client-a', 'client-b'],
      jwksUrl: undefined,
      algorithms: ['RS256', 'ES256'],
      claimsNamespace: undefined,
      rolesClaim: 'roles',
      clientSecret: undefined,
    });
  });

  it('refuses none and HS* algorithms, a missing audience and plain http off loopback, naming the variable', () => {
    for (const alg of ['none', 'HS256', 'RS256,HS512']) {
      const error = refusal({ ...base, ROLEBRIDGE_AUTH_JWT_ALGS: alg });
      expect([error.code, error.details], alg).toEqual(['invalid_configuration', { variable: 'ROLEBRIDGE_AUTH_JWT_ALGS' }]);
    }
    expect(refusal({ ROLEBRIDGE_AUTH_JWT_ISSUER: base.ROLEBRIDGE_AUTH_JWT_ISSUER }).details).toEqual({ variable: 'ROLEBRIDGE_AUTH_JWT_AUDIENCE' });
    expect(refusal({ ...base, ROLEBRIDGE_AUTH_JWT_ISSUER: 'http://idp.example.com' }).details).toEqual({ variable: 'ROLEBRIDGE_AUTH_JWT_ISSUER' });
    expect(parseOperatorAuth({ ...base, ROLEBRIDGE_AUTH_JWT_ISSUER: 'http://127.0.0.1:9000' })?.issuer).toBe('http://127.0.0.1:9000');
  });
});
