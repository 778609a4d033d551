import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decidePolicy, evaluatePolicy, parsePolicy, PolicyParseError, preparePolicy, type AuthorizationRequest } from '../../src/policy/index.js';
import { parseJsonStrict } from '../../src/policy/parse_json_strict.js';

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/issuer.example.com/t/acme';
const SUB = 'issuer.example.com/t/acme:sub';
const AUD = 'issuer.example.com/t/acme:aud';

const conditionArbitrary = fc.record({
  operator: fc.constantFrom('StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike', 'StringEqualsIfExists', 'ForAnyValue:StringLike', 'ForAllValues:StringEquals', 'Null'),
  key: fc.constantFrom(SUB, AUD, 'aws:TagKeys', 'sts:RoleSessionName'),
  values: fc.array(fc.constantFrom('a:1', 'a:*', 'a:?', 'b:2', '*', 'sts.amazonaws.com', 'true', 'false'), { minLength: 1, maxLength: 3 }),
});

const statementArbitrary = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  Principal: fc.constantFrom<object | string>('*', { Federated: PROVIDER }, { Federated: 'arn:aws:iam::1:oidc-provider/other' }, { AWS: '*' }),
  Action: fc.constantFrom('sts:AssumeRoleWithWebIdentity', 'sts:*', 'sts:AssumeRole', '*', 'sts:TagSession'),
  Condition: fc.array(conditionArbitrary, { maxLength: 3 }).map((conditions) => {
    const block: Record<string, Record<string, string[]>> = {};
    for (const condition of conditions) block[condition.operator] = { ...block[condition.operator], [condition.key]: condition.values };
    return block;
  }),
});

const requestArbitrary: fc.Arbitrary<AuthorizationRequest> = fc.record({
  sub: fc.option(fc.constantFrom('a:1', 'a:2', 'b:2', 'A:1'), { nil: undefined }),
  aud: fc.option(fc.constantFrom('sts.amazonaws.com', 'other'), { nil: undefined }),
  tagKeys: fc.option(fc.array(fc.constantFrom('a:1', 'b:2', 'team'), { maxLength: 2 }), { nil: undefined }),
  tags: fc.boolean(),
}).map(({ sub, aud, tagKeys, tags }) => {
  const context: Record<string, string | string[]> = {};
  if (sub !== undefined) context[SUB] = sub;
  if (aud !== undefined) context[AUD] = aud;
  if (tagKeys !== undefined) context['aws:TagKeys'] = tagKeys;
  return { action: 'sts:AssumeRoleWithWebIdentity', principal: { kind: 'Federated', id: PROVIDER }, context, requiresTagSession: tags };
});

const policyOf = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

describe('policy evaluation invariants', () => {
  it('adding a Deny never turns a denied request into an allowed one', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), statementArbitrary, requestArbitrary, (statements, extra, request) => {
        const before = evaluatePolicy(policyOf(statements), request).decision;
        const after = evaluatePolicy(policyOf([...statements, { ...extra, Effect: 'Deny' }]), request).decision;
        if (before !== 'Allowed') expect(after).not.toBe('Allowed');
        if (before === 'ExplicitlyDenied') expect(after).toBe('ExplicitlyDenied');
      }),
      { numRuns: 500 },
    );
  });

  it('adding an Allow never turns an allowed request into a denied one, and never undoes an explicit Deny', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), statementArbitrary, requestArbitrary, (statements, extra, request) => {
        const before = evaluatePolicy(policyOf(statements), request).decision;
        const after = evaluatePolicy(policyOf([...statements, { ...extra, Effect: 'Allow' }]), request).decision;
        if (before === 'Allowed') expect(after).toBe('Allowed');
        if (before === 'ExplicitlyDenied') expect(after).toBe('ExplicitlyDenied');
      }),
      { numRuns: 500 },
    );
  });

  it('statement order does not change the decision', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { minLength: 2, maxLength: 4 }), requestArbitrary, (statements, request) => {
        const forward = evaluatePolicy(policyOf(statements), request).decision;
        expect(evaluatePolicy(policyOf([...statements].reverse()), request).decision).toBe(forward);
      }),
      { numRuns: 300 },
    );
  });

  it('the fast path decides exactly like the explaining evaluator', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { minLength: 1, maxLength: 4 }), requestArbitrary, (statements, request) => {
        const policy = policyOf(statements);
        expect(decidePolicy(preparePolicy(policy), request)).toBe(evaluatePolicy(policy, request).decision);
      }),
      { numRuns: 500 },
    );
  });

  it('condition key case never matters', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), requestArbitrary, (statements, request) => {
        const upper = structuredClone(policyOf(statements)) as { Statement: Array<{ Condition: Record<string, Record<string, string[]>> }> };
        for (const statement of upper.Statement) {
          for (const operator of Object.keys(statement.Condition)) {
            statement.Condition[operator] = Object.fromEntries(Object.entries(statement.Condition[operator]!).map(([key, values]) => [key.toUpperCase(), values]));
          }
        }
        expect(evaluatePolicy(upper, request).decision).toBe(evaluatePolicy(policyOf(statements), request).decision);
      }),
      { numRuns: 300 },
    );
  });

  it('every failed condition of an otherwise matching Allow carries its context value and a sentence', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), requestArbitrary, (statements, request) => {
        for (const statement of evaluatePolicy(policyOf(statements), request).statements) {
          for (const condition of statement.conditions) {
            expect(condition.explanation.length).toBeGreaterThan(10);
            expect(condition.requiredValues.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('strict JSON scanner', () => {
  it('reads every JSON document exactly like JSON.parse', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses hostile nesting with a parse error instead of exhausting the stack', () => {
    expect(() => parsePolicy(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toThrow(/nests deeper than 64/);
  });

  it('reports a duplicated key with its path instead of merging', () => {
    fc.assert(
      fc.property(fc.constantFrom('Effect', 'Action', 'Condition', 'Principal'), (key) => {
        const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Principal":"*","Condition":{},"${key}":"x"}]}`;
        try {
          parsePolicy(text);
          expect.unreachable('a duplicate key must be reported');
        } catch (error) {
          expect(error).toBeInstanceOf(PolicyParseError);
          expect((error as PolicyParseError).code).toBe('duplicate_key');
          expect((error as PolicyParseError).path).toBe(`Statement[0].${key}`);
        }
      }),
    );
  });
});
