import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';
import { ADMIN_TOKEN, startSetupWorld, type CliRun, type SetupWorld } from './setup_world.js';

/**
 * Customers get the set-up CLI from the platform's own server, not from a registry: `npm run build` bundles it
 * into one file, the server serves it with its SHA-256, and a set-up code comes with the lines that download it,
 * check it and run it. Here those lines run as printed, through bash, in an empty folder with a bare `node`
 * (no node_modules anywhere up the tree), against the real server and the emulator.
 */
const REPO = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

interface IssuedCode {
  code: string;
  command: string;
  setupCli: { version: string; file: string; url: string; sha256: string } | null;
  run: string[];
  awsCliScript: string | null;
}

function shell(script: string, options: { cwd: string; env: Record<string, string> }): Promise<CliRun> {
  return new Promise((done) => {
    // A bound for a hung run only: on a loaded machine one set-up run can take minutes.
    execFile('bash', ['-c', `set -euo pipefail\n${script}`], { ...options, timeout: 280_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

function run(command: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(command, args, { cwd: REPO, timeout: 280_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

function writeTokenFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-operator-'));
  writeFileSync(join(dir, 'token'), ADMIN_TOKEN);
  return dir;
}

describe('the set-up CLI the server serves', { timeout: 300_000 }, () => {
  let world: SetupWorld;
  /** The customer's machine: their AWS credentials, a `node` on PATH, no rolebridge token. */
  const customerEnv = (): Record<string, string> => {
    const env = world.env();
    delete env.ROLEBRIDGE_ADMIN_TOKEN;
    env.PATH = `${dirname(process.execPath)}:${env.PATH}`;
    return env;
  };
  const issue = async (body: Record<string, unknown>): Promise<IssuedCode> => {
    const response = await fetch(`${world.server.url}/api/v1/tenants/acme/setup-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tokenConfig: 'aws', ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as IssuedCode;
  };

  beforeAll(async () => {
    // What `npm run build` does for the set-up CLI (the server reads the result on first request).
    const built = await run(process.execPath, ['scripts/build_setup_cli.mjs']);
    expect(built.code, built.stderr).toBe(0);
    world = await startSetupWorld();
  });
  afterAll(async () => world?.close());

  it('is one versioned file with its SHA-256; the printed lines download, verify and run it with a bare node and complete a set-up-code flow', async () => {
    const latest = (await (await fetch(`${world.server.url}/setup/latest`)).json()) as { version: string; file: string; url: string; sha256: string; size: number };
    const file = `rolebridge-setup-${version}.mjs`;
    expect(latest).toMatchObject({ version, file, url: `${world.server.url}/setup/${file}` });
    const download = await fetch(latest.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(latest.sha256);
    expect(bytes.length).toBe(latest.size);
    expect(bytes.subarray(0, 200).toString('utf8')).toContain(`rolebridge-setup ${version}`);
    expect((await fetch(`${world.server.url}/setup/rolebridge-setup-0.0.0-old.mjs`)).status).toBe(404);
    expect((await fetch(`${world.server.url}/setup/package.json`)).status).toBe(400);

    const issued = await issue({ ttlSeconds: 900 });
    expect(issued.setupCli).toEqual({ version, file, url: latest.url, sha256: latest.sha256 });
    expect(issued.run).toEqual([
      `curl -fsSLo ${file} ${latest.url}`,
      `echo "${latest.sha256}  ${file}" | sha256sum -c -`,
      `node ${file} ${issued.command.slice('rolebridge '.length)}`,
    ]);

    // The customer pastes the lines, adding the role and the scope to the last one, in an empty folder.
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-customer-'));
    const lines = [...issued.run];
    lines[2] += ' --role-name acme-downloaded --deployment prod --component etl --yes --json';
    const result = await shell(lines.join('\n'), { cwd: dir, env: customerEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual([file]);
    expect(result.stdout).toContain(`${file}: OK`);
    const answer = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { connection: { name: string; roleArn: string }; test: { ok: boolean } };
    expect(answer.connection).toMatchObject({ name: 'acme-downloaded', roleArn: `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:role/acme-downloaded` });
    expect(answer.test.ok).toBe(true);
    expect(result.stderr).toContain('Set-up code accepted: tenant acme, token config aws');
  });

  it('refuses to run a file that is not the one served', async () => {
    const issued = await issue({});
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-customer-'));
    const [downloadLine, checkLine, runLine] = issued.run as [string, string, string];
    const tampered = `${downloadLine}\necho '// changed on the way' >> ${issued.setupCli!.file}\n${checkLine}\n${runLine} --role-name x --tenant-wide --yes`;
    const result = await shell(tampered, { cwd: dir, env: customerEnv() });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('FAILED');
    expect(result.stderr).not.toContain('Set-up code accepted');
  });

  it('pins a scope and gives the AWS CLI path too: the commands set the role up without Node.js, twice', async () => {
    const issued = await issue({ scope: 'deployment:prod,component:etl', connection: 'acme-cli-only' });
    expect(issued.awsCliScript).toContain('aws iam create-role');
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-customer-cli-'));
    // Debian's AWS CLI 2.9 predates AWS_ENDPOINT_URL: a shim adds --endpoint-url and nothing else.
    writeFileSync(join(dir, 'aws'), `#!/usr/bin/env bash\nexec ${AWS_CLI} "$@" --endpoint-url ${world.emulator.url}\n`);
    chmodSync(join(dir, 'aws'), 0o755);
    const env = { ...customerEnv(), PATH: `${dir}:/usr/bin:/bin`, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    for (const attempt of [1, 2]) {
      const result = await shell(issued.awsCliScript!, { cwd: dir, env });
      expect(result.code, `run ${attempt}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(`Role ARN: arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:role/acme-cli-only`);
    }
    const role = await world.iam.send(new GetRoleCommand({ RoleName: 'acme-cli-only' }));
    expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toContain('deployment:prod:component:etl');
  });

  it('`rolebridge setup-code create` prints the download-verify-run lines with the SHA-256, and the AWS CLI commands for a pinned scope', async () => {
    const latest = (await (await fetch(`${world.server.url}/setup/latest`)).json()) as { file: string; url: string; sha256: string };
    const printed = await run(process.execPath, [
      '--import', 'tsx', 'src/cli/main.ts', 'setup-code', 'create', '--server', world.server.url, '--tenant', 'acme', '--token-config', 'aws',
      '--scope', 'deployment:prod', '--admin-token-file', join(writeTokenFile(), 'token'),
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`  curl -fsSLo ${latest.file} ${latest.url}\n  echo "${latest.sha256}  ${latest.file}" | sha256sum -c -\n  node ${latest.file} setup aws --server ${world.server.url} --setup-code rbs_`);
    expect(printed.stdout).toContain(`SHA-256 ${latest.sha256}`);
    expect(printed.stdout).toContain('Without Node.js, these AWS CLI commands');
    expect(printed.stdout).toContain('aws iam create-role');
  });

  it('without a pinned scope there is no AWS CLI script', async () => {
    expect((await issue({})).awsCliScript).toBeNull();
  });
});
