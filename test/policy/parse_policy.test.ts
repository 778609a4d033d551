import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyParseError } from '../../src/policy/index.js';
import { loadFixtureSuites } from './fixture_suite.js';

interface ParseCase {
  name: string;
  text: string;
  expected: { code: string; path: string };
}

describe('parsePolicy refuses malformed documents with a code and a path', () => {
  for (const suite of loadFixtureSuites<ParseCase>('parse_')) {
    for (const testCase of suite.cases) {
      it(testCase.name, () => {
        let caught: unknown;
        try {
          parsePolicy(testCase.text);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(PolicyParseError);
        const error = caught as PolicyParseError;
        expect({ code: error.code, path: error.path }).toEqual(testCase.expected);
        expect(error.status).toBe(400);
        expect(error.details).toMatchObject({ path: testCase.expected.path });
      });
    }
  }
});

describe('parsePolicy normalises what it accepts', () => {
  it('turns single values into lists, stringifies condition values and keeps paths', () => {
    const document = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Id: 'trust',
        Statement: {
          Sid: 'One',
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::1:oidc-provider/h', AWS: ['1', '2'] },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 }, Bool: { 'aws:SecureTransport': true } },
        },
      }),
    );
    expect(document.id).toBe('trust');
    const [statement] = document.statements;
    expect(statement).toMatchObject({ index: 0, path: 'Statement', sid: 'One', action: ['sts:AssumeRoleWithWebIdentity'] });
    expect(statement!.principal).toEqual({ Federated: ['arn:aws:iam::1:oidc-provider/h'], AWS: ['1', '2'] });
    expect(statement!.conditions).toEqual([
      { operator: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', values: ['3600'], path: 'Statement.Condition.NumericLessThan["aws:MultiFactorAuthAge"]' },
      { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'], path: 'Statement.Condition.Bool["aws:SecureTransport"]' },
    ]);
  });

  it('reports line and column of a JSON error', () => {
    try {
      parsePolicy('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow" "Action": "x"}\n  ]\n}');
      expect.unreachable();
    } catch (error) {
      expect((error as PolicyParseError).details).toMatchObject({ line: 4, column: 24 });
      expect((error as PolicyParseError).path).toBe('Statement[0]');
    }
  });

  it('accepts an object as well as text, and counts the source length', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', NotAction: 'sts:*' }] };
    expect(parsePolicy(policy).statements[0]!.notAction).toEqual(['sts:*']);
    expect(parsePolicy(JSON.stringify(policy, null, 2)).sourceLength).toBe(JSON.stringify(policy, null, 2).length);
  });

  it('keeps a "__proto__" key as data', () => {
    const document = parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"a","Condition":{"StringEquals":{"__proto__":"x"}}}]}');
    expect(document.statements[0]!.conditions[0]).toMatchObject({ key: '__proto__', values: ['x'] });
  });
});
