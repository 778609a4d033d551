import { describe, expect, it } from 'vitest';
import { dualTrustChange, subjectMigrationTrust, tightenTrustChange, type RoleTrust } from '../../src/setup/index.js';
import type { PolicyStatementJson } from '../../src/policy/index.js';
import { parseSetupScope } from '../../src/claims/index.js';

/** The role edits of a subject migration, on documents: dual trust only adds, tightening removes only what is ours. */
const ISSUER = 'https://id.example.com/t/acme';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/lake';
const trust = subjectMigrationTrust({
  accountId: '123456789012',
  tenant: 'acme',
  issuerUrl: ISSUER,
  tokenConfig: { name: 'aws', audience: 'sts.amazonaws.com', subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}' },
  subjectTemplate: 'acme/{deployment}/{component}',
  scope: parseSetupScope('deployment:prod'),
});
const OLD = { issuer: ISSUER, subject: 'tenant:acme:deployment:prod:component:etl', audience: 'sts.amazonaws.com' };
/** A statement someone wrote by hand for the old format (no Sid). */
const handWritten: PolicyStatementJson = {
  Effect: 'Allow',
  Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/id.example.com/t/acme' },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'id.example.com/t/acme:sub': OLD.subject, 'id.example.com/t/acme:aud': 'sts.amazonaws.com' } },
};
const ec2: PolicyStatementJson = { Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
const role = (...statements: PolicyStatementJson[]): RoleTrust => ({ roleName: 'lake', roleArn: ROLE_ARN, policy: { Version: '2012-10-17', Statement: statements } });

describe('subject-migration role edits', () => {
  it('builds the transition from set-up\'s statement for the scope plus the new format under …NextSubject, and the final under the scope\'s Sid', () => {
    expect(trust.current.Sid).toBe('RolebridgeAcmeAwsDeploymentProd');
    expect(trust.current.Condition?.StringLike).toEqual({ 'id.example.com/t/acme:sub': 'tenant:acme:deployment:prod:*' });
    expect(trust.next.Sid).toBe('RolebridgeAcmeAwsDeploymentProdNextSubject');
    expect(trust.next.Condition?.StringLike).toEqual({ 'id.example.com/t/acme:sub': 'acme/prod/*' });
    expect(trust.transition.Statement).toEqual([trust.current, trust.next]);
    expect(trust.final.Statement).toEqual([{ ...trust.next, Sid: trust.current.Sid }]);
  });

  it('dual trust appends the new format after what the role trusts, once', () => {
    const first = dualTrustChange(role(ec2, trust.current), trust.next);
    expect(first.outcome).toBe('added');
    expect(first.document.Statement).toEqual([ec2, trust.current, trust.next]);
    expect(dualTrustChange({ ...role(), policy: first.document }, trust.next).outcome).toBe('unchanged');
  });

  it('tightening replaces set-up\'s statement, removes …NextSubject, keeps foreign statements and names those still admitting the old format', () => {
    const change = tightenTrustChange(role(ec2, handWritten, trust.current, trust.next), { nextSid: trust.next.Sid!, final: trust.final.Statement[0]!, old: OLD });
    expect(change.document.Statement).toEqual([ec2, handWritten, trust.final.Statement[0]]);
    expect(change.lingering).toEqual(['Statement 2']);
    const clean = tightenTrustChange(role(ec2, trust.current, trust.next), { nextSid: trust.next.Sid!, final: trust.final.Statement[0]!, old: OLD });
    expect(clean.document.Statement).toEqual([ec2, trust.final.Statement[0]]);
    expect(clean.lingering).toEqual([]);
    expect(tightenTrustChange({ ...role(), policy: clean.document }, { nextSid: trust.next.Sid!, final: trust.final.Statement[0]!, old: OLD }).outcome).toBe('unchanged');
  });
});
