import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalStatement, statementsOf } from '../../src/setup/canonical_policy.js';
import { mergeTrustStatement } from '../../src/setup/merge_trust_statement.js';
import type { PolicyJson, PolicyStatementJson } from '../../src/policy/index.js';

const provider = 'arn:aws:iam::123456789012:oidc-provider/id.example.com/t/acme';
const ours: PolicyStatementJson = {
  Sid: 'RolebridgeAcmeDefaultWorkloadW1',
  Effect: 'Allow',
  Principal: { Federated: provider },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'id.example.com/t/acme:aud': 'sts.amazonaws.com', 'id.example.com/t/acme:sub': 'acme:w1' } },
};

const foreignStatement: fc.Arbitrary<PolicyStatementJson> = fc.record({
  Sid: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/).filter((sid) => !sid.startsWith('Rolebridge')), { nil: undefined }),
  Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
  Principal: fc.oneof(
    fc.constant('*' as const),
    fc.record({ AWS: fc.constantFrom('arn:aws:iam::111122223333:root', '*') }),
    fc.record({ Federated: fc.constantFrom(provider, 'accounts.google.com') }),
  ),
  Action: fc.constantFrom('sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', ['sts:AssumeRole', 'sts:TagSession']),
}).map((statement) => (statement.Sid === undefined ? (({ Sid: _s, ...rest }) => rest)(statement) : statement) as PolicyStatementJson);

const existingPolicy: fc.Arbitrary<PolicyJson> = fc
  .array(foreignStatement, { maxLength: 5 })
  .map((Statement) => ({ Version: '2012-10-17', Statement }));

describe('mergeTrustStatement', () => {
  it('creates a policy with only our statement when the role is new', () => {
    expect(mergeTrustStatement(undefined, ours)).toEqual({ document: { Version: '2012-10-17', Statement: [ours] }, outcome: 'added', warnings: [] });
  });

  it('never removes or alters a statement it did not create', () => {
    fc.assert(
      fc.property(existingPolicy, (existing) => {
        const merged = mergeTrustStatement(existing, ours).document;
        const after = statementsOf(merged);
        // Every foreign statement is still there, unchanged and in its original order.
        expect(after.slice(0, existing.Statement.length)).toEqual(existing.Statement);
        expect(after.length - existing.Statement.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is idempotent: merging into its own result changes nothing', () => {
    fc.assert(
      fc.property(existingPolicy, (existing) => {
        const once = mergeTrustStatement(existing, ours);
        const twice = mergeTrustStatement(once.document, ours);
        expect(twice.outcome).toBe('unchanged');
        expect(twice.document).toEqual(once.document);
      }),
    );
  });

  it('replaces only its own Sid when our statement changed, keeping its position', () => {
    const older = { ...ours, Condition: { StringEquals: { 'id.example.com/t/acme:sub': 'acme:old' } } };
    const foreign = { Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' };
    const merged = mergeTrustStatement({ Version: '2012-10-17', Statement: [older, foreign] }, ours);
    expect(merged.outcome).toBe('replaced');
    expect(merged.document.Statement).toEqual([ours, foreign]);
  });

  it('recognises the same statement written without our Sid and in another shape (e.g. by Terraform)', () => {
    const byHand: PolicyStatementJson = {
      Effect: 'Allow',
      Action: ['sts:AssumeRoleWithWebIdentity'],
      Principal: { Federated: [provider] },
      Condition: { StringEquals: { 'id.example.com/t/acme:sub': ['acme:w1'], 'id.example.com/t/acme:aud': 'sts.amazonaws.com' } },
    };
    expect(canonicalStatement(byHand, { ignoreSid: true })).toBe(canonicalStatement(ours, { ignoreSid: true }));
    expect(mergeTrustStatement({ Version: '2012-10-17', Statement: [byHand] }, ours).outcome).toBe('unchanged');
  });

  it('accepts a single Statement object, as IAM allows', () => {
    const single = { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' } };
    const merged = mergeTrustStatement(single as unknown as PolicyJson, ours);
    expect(merged.document.Statement).toEqual([single.Statement, ours]);
  });

  it('warns about broad foreign statements without touching them', () => {
    const broad: PolicyStatementJson = {
      Sid: 'AnyoneFromIssuer',
      Effect: 'Allow',
      Principal: { Federated: provider },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'id.example.com/t/acme:aud': 'sts.amazonaws.com' } },
    };
    const star: PolicyStatementJson = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' };
    const merged = mergeTrustStatement({ Version: '2012-10-17', Statement: [broad, star] }, ours);
    expect(merged.warnings).toEqual([
      expect.stringContaining('Statement "AnyoneFromIssuer" trusts arn:aws:iam::123456789012:oidc-provider/id.example.com/t/acme for any subject'),
      'Statement 2 trusts every principal ("*") without a condition.',
    ]);
    expect(merged.document.Statement.slice(0, 2)).toEqual([broad, star]);
  });

  it('keeps rolebridge statements of other scopes and says so', () => {
    const wider: PolicyStatementJson = {
      ...ours,
      Sid: 'RolebridgeAcmeDefaultTenant',
      Condition: { StringEquals: { 'id.example.com/t/acme:aud': 'sts.amazonaws.com' }, StringLike: { 'id.example.com/t/acme:sub': 'acme:*' } },
    };
    const merged = mergeTrustStatement({ Version: '2012-10-17', Statement: [wider] }, ours);
    expect(merged.document.Statement).toEqual([wider, ours]);
    expect(merged.warnings).toEqual([
      'Statement "RolebridgeAcmeDefaultTenant" was written by another rolebridge set-up and stays; remove it if no connection uses it any more.',
    ]);
  });

  it('refuses a statement without the Rolebridge Sid, so it could never replace someone else\'s', () => {
    expect(() => mergeTrustStatement(undefined, { ...ours, Sid: 'Mine' })).toThrow(expect.objectContaining({ code: 'invalid_trust_statement' }));
  });
});
