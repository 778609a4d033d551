/**
 * The Terraform and CloudFormation that rolebridge generates, checked by tools nobody here wrote: HashiCorp's own HCL
 * parser (compiled to WebAssembly, npm `@cdktf/hcl2json`) and AWS's CloudFormation linter `cfn-lint` (Python; on
 * this machine kind from pip, since Debian has no package). And the openssl line the CLI script uses to read an
 * https issuer's thumbprint, against a TLS server with a known certificate.
 */
import { parse as parseHcl } from '@cdktf/hcl2json';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionPolicyFor, renderPolicy, trustPolicyFor, type RoleSetup } from '../../src/policy/index.js';
import { opensslThumbprintExpression } from '../../src/policy/render/oidc_provider_command.js';

const run = promisify(execFile);
const CFN_LINT = ['/root/.pyenv/versions/3.11.7/bin/cfn-lint', '/usr/bin/cfn-lint', '/usr/local/bin/cfn-lint'].find((path) => existsSync(path));

function setupFor(issuer: string, extra: Partial<RoleSetup> = {}): RoleSetup {
  return {
    issuer,
    audiences: ['sts.amazonaws.com', 'reporting'],
    roleName: 'acme-exports',
    trustPolicy: trustPolicyFor({ issuer, audience: 'sts.amazonaws.com', subject: 'app:deployment:12:*', accountId: '123456789012', sessionTags: true }),
    permissionPolicies: [
      { name: 's3-export', policy: permissionPolicyFor('s3-export', { bucket: 'exports', prefix: 'acme/' }) },
      { name: 'athena', policy: permissionPolicyFor('athena', { region: 'eu-west-1', accountId: '123456789012', resultsBucket: 'results' }) },
    ],
    ...extra,
  };
}

const SETUPS: Array<[string, RoleSetup]> = [
  ['an https issuer, thumbprint unknown', setupFor('https://auth.rolebridge.example/t/acme')],
  ['an https issuer with a known thumbprint, provider already there', setupFor('https://acme.id.example.com', { thumbprints: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'], providerExists: true })],
  ['the local emulator issuer', setupFor('http://127.0.0.1:8080/t/acme')],
];

describe('Terraform through HashiCorp HCL parser', () => {
  type Hcl = {
    terraform: Array<{ required_providers: Array<Record<string, { source: string; version: string }>> }>;
    variable: Record<string, Array<{ default: boolean }>>;
    resource: Record<string, Record<string, Array<Record<string, unknown>>>>;
    data: Record<string, Record<string, Array<Record<string, unknown>>>>;
    locals: Array<Record<string, string>>;
    output: Record<string, Array<{ value: string }>>;
  };

  it.each(SETUPS)('%s: parses; provider created or read, role references it, AWS provider pinned, role ARN output', async (_name, setup) => {
    const hcl = (await parseHcl('main.tf', renderPolicy('terraform', setup))) as Hcl;
    expect(hcl.terraform[0]!.required_providers[0]!.aws).toEqual({ source: 'hashicorp/aws', version: '>= 5.0, < 7.0' });
    expect(hcl.variable.create_oidc_provider![0]!.default).toBe(setup.providerExists !== true);
    const provider = hcl.resource.aws_iam_openid_connect_provider!.rolebridge![0]!;
    expect(provider).toMatchObject({ count: '${var.create_oidc_provider ? 1 : 0}', url: setup.issuer, client_id_list: ['sts.amazonaws.com', 'reporting'] });
    expect(hcl.data.aws_iam_openid_connect_provider!.rolebridge![0]).toEqual({ count: '${var.create_oidc_provider ? 0 : 1}', url: setup.issuer });
    if (setup.issuer.startsWith('https') && setup.thumbprints === undefined) {
      expect(provider.thumbprint_list).toEqual(['${data.tls_certificate.rolebridge_issuer.certificates[0].sha1_fingerprint}']);
      expect(hcl.terraform[0]!.required_providers[0]!.tls?.source).toBe('hashicorp/tls');
    } else {
      expect(provider.thumbprint_list).toEqual(setup.thumbprints ?? ['0'.repeat(40)]);
      expect(hcl.data.tls_certificate).toBeUndefined();
    }
    const role = hcl.resource.aws_iam_role!['acme-exports']![0]!;
    expect(role.assume_role_policy).toContain('Federated = local.oidc_provider_arn');
    expect(Object.keys(hcl.resource.aws_iam_role_policy!).sort()).toEqual(['acme-exports_athena', 'acme-exports_s3-export']);
    expect(hcl.output.role_arn![0]!.value).toBe('${aws_iam_role.acme-exports.arn}');
  });

  it('the parser is a real check: it refuses broken HCL', async () => {
    await expect(parseHcl('main.tf', renderPolicy('terraform', SETUPS[0]![1]).replace('jsonencode(', 'jsonencode(('))).rejects.toThrow();
  });
});

describe('CloudFormation through cfn-lint', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolebridge-cfn-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cfnLint(template: string): Promise<{ code: number; output: string }> {
    if (CFN_LINT === undefined) throw new Error('cfn-lint is not installed (pip install cfn-lint; it is on this machine kind)');
    const file = join(dir, `template-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, template);
    try {
      const { stdout, stderr } = await run(CFN_LINT, ['--format', 'parseable', '--', file]);
      return { code: 0, output: `${stdout}${stderr}` };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, output: `${failure.stdout}${failure.stderr}` };
    }
  }

  it.each(SETUPS)('%s: no finding at all', async (_name, setup) => {
    expect(await cfnLint(renderPolicy('cloudformation', setup))).toEqual({ code: 0, output: '' });
  }, 120_000);

  it('cfn-lint is a real check: it refuses the role referencing a provider that exists only on a condition it ignores', async () => {
    const broken = renderPolicy('cloudformation', SETUPS[0]![1]).replace(/!If \[CreateOidcProvider, (!Ref RolebridgeOidcProvider), !Sub "[^"]+"\]/, '$1');
    const result = await cfnLint(broken);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('RolebridgeOidcProvider');
  }, 120_000);
});

describe('the CLI script reads an https issuer thumbprint with openssl', () => {
  it('is the SHA-1 of the last certificate the host presents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '2',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'cert.pem'));
      const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_request, response) => response.end('{}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const { stdout } = await run('bash', ['-c', `set -euo pipefail; ${opensslThumbprintExpression(`https://127.0.0.1:${port}/t/acme`)}`]);
        const expected = createHash('sha1').update(new X509Certificate(cert).raw).digest('hex');
        expect(stdout.trim()).toBe(expected);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
