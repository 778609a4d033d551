import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { lintPolicy } from '../../src/policy/index.js';

const directory = mkdtempSync(path.join(tmpdir(), 'rolebridge-policy-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const target = path.join(directory, name);
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
}

/** Runs the real CLI in-process and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await runCli(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const ISSUER = 'https://acme.cubecloud.dev';
const PROVIDER = 'arn:aws:iam::222233334444:oidc-provider/acme.cubecloud.dev';
const trustPolicy = (sub: string, operator = 'StringLike', action: string | string[] = 'sts:AssumeRoleWithWebIdentity') => ({
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: PROVIDER },
    Action: action,
    Condition: { StringEquals: { 'acme.cubecloud.dev:aud': 'sts.amazonaws.com' }, [operator]: { 'acme.cubecloud.dev:sub': sub } },
  }],
});
const claims = { iss: ISSUER, aud: 'sts.amazonaws.com', sub: 'cube:deployment:12:component:cube_api' };
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('rolebridge policy simulate', () => {
  it('exits 0 and prints the evaluation object with --json when allowed', async () => {
    const result = await cli('policy', 'simulate', '--policy', file('allow.json', trustPolicy('cube:deployment:12:*')), '--claims', file('claims.json', claims), '--json');
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.stdout) as { decision: string; statements: Array<{ applies: boolean; conditions: unknown[] }> };
    expect(evaluation.decision).toBe('Allowed');
    expect(evaluation.statements[0]!.applies).toBe(true);
    expect(evaluation.statements[0]!.conditions).toHaveLength(2);
  });

  it('exits 1 and says which condition failed and how to fix it', async () => {
    const result = await cli('policy', 'simulate', '--policy', file('strict.json', trustPolicy('cube:deployment:12', 'StringEquals')), '--claims', file('claims.json', claims));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ImplicitlyDenied');
    expect(result.stdout).toContain('sub is `cube:deployment:12:component:cube_api` but StringEquals requires `cube:deployment:12`; use StringLike with `cube:deployment:12:*` to allow every component.');
    expect(result.stdout).not.toContain('\u001b['); // not a TTY: no colour
  });

  it('colours the verdict on a terminal and not when NO_COLOR is set', async () => {
    const args = ['policy', 'simulate', '--policy', file('strict.json', trustPolicy('cube:deployment:12', 'StringEquals')), '--claims', file('claims.json', claims)];
    const wasTty = process.stdout.isTTY;
    const noColor = process.env.NO_COLOR;
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    delete process.env.NO_COLOR;
    try {
      const coloured = await cli(...args);
      expect(coloured.stdout).toContain('\u001b[31m\u001b[1mImplicitlyDenied');
      process.env.NO_COLOR = '1';
      expect((await cli(...args)).stdout).not.toContain('\u001b[');
    } finally {
      Object.defineProperty(process.stdout, 'isTTY', { value: wasTty, configurable: true });
      if (noColor === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = noColor;
    }
  });

  it('reads a JWT with --token without verifying it', async () => {
    const token = `${base64url({ alg: 'ES256', kid: 'k1' })}.${base64url(claims)}.c2lnbmF0dXJl`;
    const result = await cli('policy', 'simulate', '--policy', file('allow.json', trustPolicy('cube:deployment:12:*')), '--token', file('token.jwt', `${token}\n`), '--json');
    expect(result.code).toBe(0);
  });

  it('uses --provider-arn, --action and --context', async () => {
    const policy = file('ip.json', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::1:oidc-provider/other' }, Action: 'sts:TagSession', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, StringEquals: { 'acme.cubecloud.dev:sub': claims.sub } } }],
    });
    const common = ['policy', 'simulate', '--policy', policy, '--claims', file('claims.json', claims), '--provider-arn', 'arn:aws:iam::1:oidc-provider/other', '--action', 'sts:TagSession'];
    expect((await cli(...common, '--context', 'aws:SourceIp=10.1.2.3')).code).toBe(0);
    expect((await cli(...common, '--context', 'aws:SourceIp=192.168.0.1')).code).toBe(1);
    expect((await cli(...common)).code).toBe(1);
  });

  it('refuses a token that passes session tags when the policy lacks sts:TagSession', async () => {
    const tagged = { ...claims, 'https://aws.amazon.com/tags': { principal_tags: { team: ['data'] } } };
    const result = await cli('policy', 'simulate', '--policy', file('allow.json', trustPolicy('cube:deployment:12:*')), '--claims', file('tagged.json', tagged));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('sts:TagSession');
    const fixed = await cli('policy', 'simulate', '--policy', file('tags.json', trustPolicy('cube:deployment:12:*', 'StringLike', ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'])), '--claims', file('tagged.json', tagged));
    expect(fixed.code).toBe(0);
  });

  it('exits 2 on bad input, with the reason on stderr', async () => {
    const policy = file('allow.json', trustPolicy('cube:deployment:12:*'));
    expect((await cli('policy', 'simulate', '--policy', policy)).code).toBe(2);
    const both = await cli('policy', 'simulate', '--policy', policy, '--claims', file('claims.json', claims), '--token', file('token.jwt', 'a.b.c'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --token FILE or --claims FILE');
    const duplicate = await cli('policy', 'simulate', '--policy', file('dup.json', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*"}}'), '--claims', file('claims.json', claims));
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('Statement.Effect');
    expect(duplicate.stderr).toContain('duplicate_key');
    expect((await cli('policy', 'simulate', '--policy', path.join(directory, 'missing.json'), '--claims', file('claims.json', claims))).code).toBe(2);
    expect((await cli('policy', 'simulate', '--policy', policy, '--token', file('garbage.jwt', 'not-a-jwt'))).code).toBe(2);
  });
});

describe('rolebridge policy lint', () => {
  it('exits 1 on an error finding and prints {findings} with --json', async () => {
    const result = await cli('policy', 'lint', file('nosub.json', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' }] }), '--json');
    expect(result.code).toBe(1);
    const { findings } = JSON.parse(result.stdout) as { findings: Array<{ code: string; severity: string; path: string }> };
    expect(findings).toContainEqual(expect.objectContaining({ code: 'missing_sub_condition', severity: 'error', path: 'Statement[0]' }));
  });

  it('exits 0 for a clean policy and checks the issuer', async () => {
    const clean = file('clean.json', trustPolicy('cube:deployment:12:*'));
    const result = await cli('policy', 'lint', clean, '--issuer', ISSUER);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No findings.');
    const other = await cli('policy', 'lint', clean, '--issuer', 'https://acme.cubecloud.dev/tenant/acme');
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('federated_missing_issuer_path');
  });

  it('a file that is not JSON is bad input: exit 2 with the reason', async () => {
    const result = await cli('policy', 'lint', file('broken.json', '{"Version": "2012-10-17", "Statement": ['));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('broken.json is not JSON');
  });

  it('--session-tags requires sts:TagSession', async () => {
    expect((await cli('policy', 'lint', file('clean.json', trustPolicy('cube:deployment:12:*')), '--session-tags')).code).toBe(1);
  });
});

describe('rolebridge policy trust', () => {
  it('prints a trust policy that lints clean for the issuer', async () => {
    const result = await cli('policy', 'trust', '--issuer', ISSUER, '--audience', 'sts.amazonaws.com', '--subject', 'cube:deployment:12:*', '--account-id', '222233334444');
    expect(result.code).toBe(0);
    const policy = JSON.parse(result.stdout) as object;
    expect(lintPolicy(policy, { issuer: ISSUER }).filter((finding) => finding.severity !== 'info')).toEqual([]);
    expect(JSON.stringify(policy)).toContain(PROVIDER);
  });

  it('renders terraform, cloudformation and cli', async () => {
    const common = ['policy', 'trust', '--issuer', ISSUER, '--audience', 'sts.amazonaws.com', '--subject', 'cube:deployment:12', '--role-name', 'cube-athena'];
    expect((await cli(...common, '--format', 'terraform')).stdout).toContain('resource "aws_iam_role" "cube-athena"');
    expect((await cli(...common, '--format', 'cloudformation')).stdout).toContain('Type: "AWS::IAM::OIDCProvider"');
    expect((await cli(...common, '--format', 'cli')).stdout).toContain('aws iam create-role --role-name cube-athena');
  });

  it('builds the sub pattern from a subject template and a scope over any subset of placeholders', async () => {
    const template = 'cube:{tenant}:deployment:{deployment}:component:{component}:region:{region}';
    const result = await cli('policy', 'trust', '--issuer', ISSUER, '--audience', 'sts.amazonaws.com', '--subject-template', template, '--tenant', 'acme', '--scope', 'component:cube_store', '--account-id', '222233334444');
    expect(result.code, result.stderr).toBe(0);
    const policy = JSON.parse(result.stdout) as { Statement: Array<{ Condition: unknown }> };
    expect(policy.Statement[0]!.Condition).toEqual({
      StringEquals: { 'acme.cubecloud.dev:aud': 'sts.amazonaws.com' },
      StringLike: { 'acme.cubecloud.dev:sub': 'cube:acme:deployment:*:component:cube_store:*' },
    });
    expect(lintPolicy(policy, { issuer: ISSUER }).filter((finding) => finding.severity === 'error')).toEqual([]);
    const region = await cli('policy', 'trust', '--issuer', ISSUER, '--audience', 'sts.amazonaws.com', '--subject-template', template, '--tenant', 'acme', '--scope', 'region:eu-west-1,deployment:12');
    expect(JSON.stringify(JSON.parse(region.stdout))).toContain('"cube:acme:deployment:12:component:*:region:eu-west-1"');
    // Usage: both ways at once, a half, a workload (needs its attributes), a pin the template lacks.
    const common = ['policy', 'trust', '--issuer', ISSUER, '--audience', 'sts.amazonaws.com'];
    expect((await cli(...common, '--subject', 'x:*', '--subject-template', template, '--scope', 'tenant', '--tenant', 'acme')).code).toBe(2);
    expect((await cli(...common, '--scope', 'tenant')).code).toBe(2);
    expect((await cli(...common, '--subject-template', template, '--scope', 'workload:wl_1', '--tenant', 'acme')).code).toBe(2);
    expect((await cli(...common, '--subject-template', template, '--scope', 'tenant')).code).toBe(2);
    const missing = await cli(...common, '--subject-template', 'cube:{tenant}:{deployment}', '--tenant', 'acme', '--scope', 'component:x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('{component}');
    expect((await cli(...common)).code).toBe(2);
  });

  it('exits 2 on an unknown format or a subject that admits everyone', async () => {
    expect((await cli('policy', 'trust', '--issuer', ISSUER, '--audience', 'a', '--subject', 'x', '--format', 'pulumi')).code).toBe(2);
    expect((await cli('policy', 'trust', '--issuer', ISSUER, '--audience', 'a', '--subject', '*')).code).toBe(2);
  });
});
