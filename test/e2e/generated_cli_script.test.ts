/**
 * The AWS CLI script that `policy trust --format cli`, `setup aws --output cli` and the trust-policy route print, run
 * by bash with the real AWS CLI (Debian's 2.x, and 1.x where installed) against the emulator: it must pass as
 * printed, twice in a row, for a second role of the same issuer, and when the provider lacks an audience.
 */
import { GetOpenIDConnectProviderCommand, GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createOidcProviderCommand, oidcProviderArn, permissionPolicyFor, renderPolicy, trustPolicyFor, type RoleSetup } from '../../src/policy/index.js';
import { ADMIN, iamClient } from '../emulator/emulator_clients.js';

const run = promisify(execFile);
const ACCOUNT = '123456789012';
/** Debian's AWS CLI 2 (what CI installs) and an AWS CLI 1 where one is installed (pip); at least the first. */
const CLIS = ['/usr/bin/aws', '/root/.pyenv/versions/3.11.7/bin/aws'].filter((cli, index) => index === 0 || existsSync(cli));

for (const cli of CLIS) {
  // Each AWS CLI call starts a Python process (about a second, more on a loaded machine): generous time, no race.
  describe(`generated AWS CLI script with ${cli}`, { timeout: 240_000 }, () => {
    let emulator: RunningEmulator;
    let dir: string;
    let version = '';
    // A loopback http issuer (the emulator accepts those); the provider is created without reading it.
    const issuer = 'http://127.0.0.1:9/t/acme';

    function setupFor(roleName: string, audiences: string[]): RoleSetup {
      return {
        issuer,
        audiences,
        roleName,
        trustPolicy: trustPolicyFor({ issuer, audience: audiences[0]!, subject: `app:deployment:12:component:${roleName}`, accountId: '000000000000' }),
        permissionPolicies: [{ name: 's3-export', policy: permissionPolicyFor('s3-export', { bucket: `exports-${roleName}` }) }],
      };
    }

    async function runScript(setup: RoleSetup): Promise<{ stdout: string; stderr: string }> {
      writeFileSync(join(dir, 'setup.sh'), renderPolicy('cli', setup));
      try {
        return await run('bash', ['setup.sh'], {
          cwd: dir,
          env: {
            PATH: `${dir}:${process.env.PATH ?? ''}`,
            HOME: dir,
            AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
            AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        });
      } catch (error) {
        const failure = error as { stderr?: string; stdout?: string };
        throw new Error(`setup.sh failed with ${version}:\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`);
      }
    }

    beforeAll(async () => {
      emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
      dir = mkdtempSync(join(tmpdir(), 'rolebridge-cli-script-'));
      // Old CLIs do not read AWS_ENDPOINT_URL: the only change to the printed script is this shim adding the endpoint.
      writeFileSync(join(dir, 'aws'), `#!/usr/bin/env bash\nexec ${cli} "$@" --endpoint-url ${emulator.url}\n`);
      chmodSync(join(dir, 'aws'), 0o755);
      const answer = await run(cli, ['--version']);
      version = `${answer.stdout}${answer.stderr}`.trim();
    });

    afterAll(async () => {
      await emulator?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('creates the provider with every audience and a thumbprint, then the role and its policy; a second run changes nothing', async () => {
      const setup = setupFor('first', ['sts.amazonaws.com', 'rolebridge']);
      const first = await runScript(setup);
      expect(first.stdout).toContain(`Created the OIDC provider arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:9/t/acme.`);
      expect(first.stdout).toContain(`Role ARN: arn:aws:iam::${ACCOUNT}:role/first`);
      const iam = iamClient(emulator.url);
      const providerArn = oidcProviderArn(ACCOUNT, issuer);
      const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
      expect(provider.ClientIDList).toEqual(['sts.amazonaws.com', 'rolebridge']);
      expect(provider.ThumbprintList).toEqual(['0'.repeat(40)]);
      const role = await iam.send(new GetRoleCommand({ RoleName: 'first' }));
      const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as { Statement: Array<{ Principal: { Federated: string } }> };
      expect(trust.Statement[0]!.Principal.Federated).toBe(providerArn);
      const policy = await iam.send(new GetRolePolicyCommand({ RoleName: 'first', PolicyName: 's3-export' }));
      expect(JSON.parse(decodeURIComponent(policy.PolicyDocument!))).toEqual(setup.permissionPolicies![0]!.policy);

      const second = await runScript(setup);
      expect(second.stdout).toContain(`Reusing the OIDC provider ${providerArn}.`);
      expect(second.stdout).not.toContain('Added the audience');
      expect(second.stdout).toContain('Updated the trust policy of the existing role first');
      expect((await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }))).ClientIDList).toEqual(['sts.amazonaws.com', 'rolebridge']);
    });

    it('a second role of the same issuer reuses the provider and adds the audience it lacks', async () => {
      const result = await runScript(setupFor('second', ['sts.amazonaws.com', 'reporting']));
      const providerArn = oidcProviderArn(ACCOUNT, issuer);
      expect(result.stdout).toContain(`Reusing the OIDC provider ${providerArn}.`);
      expect(result.stdout).toContain('Added the audience reporting to it.');
      expect(result.stdout).toContain('Created the role second.');
      const provider = await iamClient(emulator.url).send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
      expect(provider.ClientIDList).toEqual(['sts.amazonaws.com', 'rolebridge', 'reporting']);
      expect((await runScript(setupFor('second', ['sts.amazonaws.com', 'reporting']))).stdout).not.toContain('Added the audience');
    });

    it("the doctor's create-the-provider command creates it with every audience", async () => {
      const other = 'http://127.0.0.1:9/t/globex';
      writeFileSync(join(dir, 'fix.sh'), `set -euo pipefail\n${createOidcProviderCommand({ issuer: other, audiences: ['sts.amazonaws.com', 'reporting'] })}\n`);
      await run('bash', ['fix.sh'], {
        cwd: dir,
        env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
      });
      const provider = await iamClient(emulator.url).send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: oidcProviderArn(ACCOUNT, other) }));
      expect(provider.ClientIDList).toEqual(['sts.amazonaws.com', 'reporting']);
    });

    it('stops with the AWS CLI error when the credentials are refused, creating nothing', async () => {
      writeFileSync(join(dir, 'setup.sh'), renderPolicy('cli', setupFor('third', ['sts.amazonaws.com'])));
      const failure = await run('bash', ['setup.sh'], {
        cwd: dir,
        env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7NOTREAL', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).not.toBe(0);
      expect(failure?.stderr).toContain('InvalidClientTokenId');
      await expect(iamClient(emulator.url).send(new GetRoleCommand({ RoleName: 'third' }))).rejects.toThrow(/cannot be found|NoSuchEntity/);
    });
  });
}
