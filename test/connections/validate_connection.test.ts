import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHAINED_DURATION_MESSAGE, validateConnection, type ConnectionInput } from '../../src/connections/index.js';

const base: ConnectionInput = {
  name: 'athena-export',
  roleArn: 'arn:aws:iam::111111111111:role/service/rolebridge-first',
  region: 'eu-west-1',
  tokenConfig: 'aws',
};

function codeOf(input: ConnectionInput): string | undefined {
  try {
    validateConnection(input);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('validateConnection', () => {
  it('accepts a two-hop chain with ExternalId and normalises the session policy', () => {
    const valid = validateConnection({
      ...base,
      chain: [{ roleArn: 'arn:aws:iam::222222222222:role/athena', externalId: 'acme:7d1f/x=y', durationSeconds: 3600 }],
      sessionPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
    });
    expect(valid.chain).toEqual([{ roleArn: 'arn:aws:iam::222222222222:role/athena', externalId: 'acme:7d1f/x=y', durationSeconds: 3600 }]);
    expect(JSON.parse(valid.sessionPolicy!)).toMatchObject({ Version: '2012-10-17' });
  });

  it.each([
    ['invalid_connection_name', { name: 'Athena' }],
    ['invalid_role_arn', { roleArn: 'arn:aws:iam::1111:role/x' }],
    ['invalid_role_arn', { roleArn: 'arn:aws:iam::111111111111:user/x' }],
    ['invalid_role_arn', { roleArn: 'arn:aws:iam:us-east-1:111111111111:role/x' }],
    ['invalid_region', { region: 'eu-west' }],
    ['invalid_region', { region: 'cn-north-1' }], // not in partition aws
    ['invalid_duration', { durationSeconds: 899 }],
    ['invalid_duration', { durationSeconds: 43_201 }],
    ['invalid_session_policy', { sessionPolicy: '{not json' }],
    ['invalid_session_policy', { sessionPolicy: { Version: '2012-10-17' } }],
  ] as Array<[string, Partial<ConnectionInput>]>)('refuses with %s: %j', (code, change) => {
    expect(codeOf({ ...base, ...change })).toBe(code);
  });

  it('accepts regions of other partitions with their ARNs', () => {
    expect(codeOf({ ...base, roleArn: 'arn:aws-cn:iam::111111111111:role/x', region: 'cn-north-1' })).toBeUndefined();
    expect(codeOf({ ...base, roleArn: 'arn:aws-us-gov:iam::111111111111:role/x', region: 'us-gov-west-1' })).toBeUndefined();
  });

  it('refuses a chained duration over one hour with AWS\'s message', () => {
    expect(() => validateConnection({ ...base, chain: [{ roleArn: 'arn:aws:iam::222222222222:role/b', durationSeconds: 3601 }] })).toThrow(CHAINED_DURATION_MESSAGE);
  });

  it('applies AWS\'s ExternalId rule: 2–1224 of [\\w+=,.@:/-] (property)', () => {
    const awsRule = /^[\w+=,.@:/-]*$/;
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 1300, unit: fc.constantFrom('a', 'Z', '0', '_', '+', '=', ',', '.', '@', ':', '/', '-', ' ', '%', '[', 'é') }), (externalId) => {
        const accepted = codeOf({ ...base, chain: [{ roleArn: 'arn:aws:iam::222222222222:role/b', externalId }] }) === undefined;
        expect(accepted).toBe(awsRule.test(externalId) && externalId.length >= 2 && externalId.length <= 1224);
      }),
    );
  });

  it('refuses session names AWS would refuse', () => {
    expect(codeOf({ ...base, chain: [{ roleArn: 'arn:aws:iam::222222222222:role/b', sessionName: 'dependabot[bot]' }] })).toBe('invalid_session_name');
  });
});
