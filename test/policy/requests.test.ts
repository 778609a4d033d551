import { describe, expect, it } from 'vitest';
import {
  assumeRoleRequest,
  conditionKeyPrefix,
  decodeJwtClaims,
  isLoopbackHttpIssuer,
  oidcProviderArn,
  parseArn,
  principalArnOf,
  simulationRequest,
  parsePolicy,
  webIdentityRequest,
} from '../../src/policy/index.js';

describe('conditionKeyPrefix and oidcProviderArn', () => {
  it.each([
    ['https://token.actions.githubusercontent.com', 'token.actions.githubusercontent.com'],
    ['https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'],
    ['https://auth.example.com/t/acme/', 'auth.example.com/t/acme'],
    ['http://127.0.0.1:8080/t/acme', '127.0.0.1:8080/t/acme'],
    ['http://localhost:3000', 'localhost:3000'],
  ])('%s → %s', (issuer, prefix) => {
    expect(conditionKeyPrefix(issuer)).toBe(prefix);
    expect(oidcProviderArn('123456789012', issuer)).toBe(`arn:aws:iam::123456789012:oidc-provider/${prefix}`);
  });

  it('refuses what is not an issuer URL', () => {
    expect(() => conditionKeyPrefix('token.actions.githubusercontent.com')).toThrow(/Not an issuer URL/);
  });

  it('recognises loopback http issuers only', () => {
    expect(isLoopbackHttpIssuer('http://127.0.0.1:8080/t/acme')).toBe(true);
    expect(isLoopbackHttpIssuer('http://localhost:8080')).toBe(true);
    expect(isLoopbackHttpIssuer('http://example.com')).toBe(false);
    expect(isLoopbackHttpIssuer('https://127.0.0.1')).toBe(false);
  });
});

describe('parseArn', () => {
  it('keeps colons in the resource part', () => {
    expect(parseArn('arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/app')).toEqual({
      partition: 'aws', service: 'rds-db', region: 'us-east-1', accountId: '123456789012', resource: 'dbuser:cluster-ABC/app',
    });
    expect(parseArn('arn:aws:iam::123456789012')).toBeUndefined();
    expect(parseArn('123456789012')).toBeUndefined();
  });
});

describe('webIdentityRequest', () => {
  const providerArn = oidcProviderArn('123456789012', 'https://auth.example.com/t/acme');

  it('derives exactly the keys AWS derives for a generic OIDC provider', () => {
    const request = webIdentityRequest({
      claims: {
        iss: 'https://auth.example.com/t/acme',
        aud: 'sts.amazonaws.com',
        sub: 'app:deployment:12',
        amr: 'mfa',
        azp: 'client-1',
        email: 'ops@acme.example',
        deployment: '12',
        groups: ['admins'],
        exp: 1,
      },
      providerArn,
      roleArn: 'arn:aws:iam::123456789012:role/x',
      roleSessionName: 'rolebridge-1',
    });
    expect(request).toEqual({
      action: 'sts:AssumeRoleWithWebIdentity',
      principal: { kind: 'Federated', id: providerArn },
      resource: 'arn:aws:iam::123456789012:role/x',
      context: {
        'auth.example.com/t/acme:aud': 'sts.amazonaws.com',
        'auth.example.com/t/acme:sub': 'app:deployment:12',
        'auth.example.com/t/acme:amr': ['mfa'],
        'auth.example.com/t/acme:azp': 'client-1',
        'auth.example.com/t/acme:email': 'ops@acme.example',
        'aws:FederatedProvider': providerArn,
        'sts:RoleSessionName': 'rolebridge-1',
      },
      requiresTagSession: false,
    });
  });

  it('derives session-tag keys and requires sts:TagSession', () => {
    const request = webIdentityRequest({
      claims: {
        iss: 'https://auth.example.com/t/acme',
        sub: 's',
        aud: 'a',
        'https://aws.amazon.com/tags': { principal_tags: { Project: ['Automation'], CostCenter: ['987654'] }, transitive_tag_keys: ['Project'] },
        'https://aws.amazon.com/source_identity': 'Admin',
      },
      providerArn,
    });
    expect(request.requiresTagSession).toBe(true);
    expect(request.context).toMatchObject({
      'aws:RequestTag/Project': 'Automation',
      'aws:RequestTag/CostCenter': '987654',
      'aws:TagKeys': ['Project', 'CostCenter'],
      'sts:TransitiveTagKeys': ['Project'],
      'sts:SourceIdentity': 'Admin',
    });
  });

  it('gives Google tokens azp as :aud and the audience as :oaud', () => {
    const request = webIdentityRequest({
      claims: { iss: 'https://accounts.google.com', aud: '1234.apps.googleusercontent.com', azp: 'client-web', sub: '1' },
      providerArn: 'accounts.google.com',
    });
    expect(request.context).toMatchObject({
      'accounts.google.com:aud': 'client-web',
      'accounts.google.com:oaud': '1234.apps.googleusercontent.com',
      'accounts.google.com:azp': 'client-web',
    });
  });
});

describe('assumeRoleRequest', () => {
  it('takes the role ARN as aws:PrincipalArn of a session, with ExternalId and tags', () => {
    const request = assumeRoleRequest({
      callerArn: 'arn:aws:sts::111122223333:assumed-role/broker/session-9',
      roleArn: 'arn:aws:iam::444455556666:role/customer',
      externalId: 'rb-7f3a',
      roleSessionName: 'rolebridge',
      tags: { tenant: 'acme' },
    });
    expect(request).toEqual({
      action: 'sts:AssumeRole',
      principal: { kind: 'AWS', id: 'arn:aws:sts::111122223333:assumed-role/broker/session-9' },
      resource: 'arn:aws:iam::444455556666:role/customer',
      context: {
        'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/broker',
        'aws:PrincipalAccount': '111122223333',
        'aws:PrincipalType': 'AssumedRole',
        'sts:ExternalId': 'rb-7f3a',
        'sts:RoleSessionName': 'rolebridge',
        'aws:RequestTag/tenant': 'acme',
        'aws:TagKeys': ['tenant'],
      },
      requiresTagSession: true,
    });
    expect(principalArnOf('arn:aws:iam::1:user/bob')).toBe('arn:aws:iam::1:user/bob');
  });
});

describe('simulation requests', () => {
  const policy = parsePolicy({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::222233334444:oidc-provider/h.example' }, Action: 'sts:AssumeRoleWithWebIdentity' }],
  });

  it('defaults the provider ARN to the account the policy names and merges extra context', () => {
    const request = simulationRequest({ policy, claims: { iss: 'https://h.example', sub: 's' }, context: { 'aws:SourceIp': '10.0.0.1' } });
    expect(request.principal.id).toBe('arn:aws:iam::222233334444:oidc-provider/h.example');
    expect(request.context['aws:SourceIp']).toBe('10.0.0.1');
    expect(request.context['h.example:sub']).toBe('s');
  });

  it('falls back to the example account and needs an issuer', () => {
    const bare = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*' }] });
    expect(simulationRequest({ policy: bare, claims: { iss: 'https://h.example' } }).principal.id).toBe('arn:aws:iam::123456789012:oidc-provider/h.example');
    expect(() => simulationRequest({ policy: bare, claims: {} })).toThrow(/no "iss"/);
  });

  it('decodes a JWT payload without verifying it', () => {
    const token = ['{"alg":"none"}', '{"sub":"ünïcode","aud":["a","b"]}', ''].map((part) => Buffer.from(part).toString('base64url')).join('.');
    expect(decodeJwtClaims(`${token}c2ln`)).toEqual({ sub: 'ünïcode', aud: ['a', 'b'] });
    expect(decodeJwtClaims(` ${token}\n`)).toEqual({ sub: 'ünïcode', aud: ['a', 'b'] });
    expect(() => decodeJwtClaims(token.split('.').slice(0, 2).join('.'))).toThrow(/not a JWT/);
    expect(() => decodeJwtClaims('a.!!!.c')).toThrow(/base64url/);
  });
});
