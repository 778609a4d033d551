/**
 * A condition key that happens to name an Object.prototype property (`constructor`, `toString`, `__proto__`)
 * is just a key the request does not carry: `Null: false` does not match, `Null: true` does, string and
 * set operators evaluate as for any missing key — never a crash, never "present" because every object has it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicy, webIdentityRequest } from '../../src/policy/index.js';

const request = webIdentityRequest({
  claims: { iss: 'https://id.example.com/t/acme', sub: 'app:prod:api', aud: 'sts.amazonaws.com' },
  issuer: 'https://id.example.com/t/acme',
  providerArn: 'arn:aws:iam::123456789012:oidc-provider/id.example.com/t/acme',
});

function decide(operator: string, key: string, value: string): string {
  const policy = parsePolicy(
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Condition: { [operator]: { [key]: value } } }] }),
  );
  return evaluatePolicy(policy, request).decision;
}

const PROTOTYPE_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('condition keys named like Object.prototype properties', () => {
  it.each(PROTOTYPE_KEYS)('%s is absent for Null', (key) => {
    expect(decide('Null', key, 'false')).toBe('ImplicitlyDenied');
    expect(decide('Null', key, 'true')).toBe('Allowed');
  });

  it('evaluate like any absent key under every operator', () => {
    const operators = ['StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike', 'Bool', 'NumericEquals', 'ForAnyValue:StringEquals', 'ForAllValues:StringEquals'];
    fc.assert(
      fc.property(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom(...operators), fc.constantFrom('x', '1', 'true'), (key, operator, value) => {
        expect(decide(operator, key, value)).toBe(decide(operator, 'rolebridge:absent', value));
      }),
    );
  });
});
