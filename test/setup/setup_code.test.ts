import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';
import { startSetupWorld, type CliRun, type SetupWorld } from './setup_world.js';

/**
 * `rolebridge setup-code create` (operator, admin token) then `rolebridge setup aws --setup-code` (customer,
 * no admin token anywhere in its environment), as separate CLI processes against the real server and emulator.
 */
const REPO = resolve(import.meta.dirname, '../..');
const ACCOUNT = DEFAULT_ACCOUNT.accountId;

interface IssuedJson {
  id: string;
  code: string;
  expiresAt: string;
  command: string;
}

// Each case runs the CLI as a process (several seconds apiece, minutes on a loaded machine): time is no verdict here.
describe('rolebridge setup aws with a single-use set-up code', { timeout: 300_000 }, () => {
  let world: SetupWorld;
  const runCli = (args: readonly string[], env: Record<string, string>): Promise<CliRun> =>
    new Promise((done) => {
      execFile(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], { cwd: REPO, env, timeout: 280_000 }, (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      });
    });
  /** The customer's environment: their AWS credentials, and no rolebridge admin token. */
  const customerEnv = (): Record<string, string> => {
    const env = world.env();
    delete env.ROLEBRIDGE_ADMIN_TOKEN;
    return env;
  };
  const createCode = async (...extra: string[]): Promise<IssuedJson> => {
    const run = await runCli(['setup-code', 'create', '--server', world.server.url, '--tenant', 'acme', '--token-config', 'aws', '--json', ...extra], world.env());
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as IssuedJson;
  };

  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  it('the printed command sets a fresh account up end to end, and the code cannot be used again', async () => {
    const issued = await createCode('--ttl', '900');
    expect(issued.code).toMatch(/^rbs_/);
    const words = issued.command.split(' ');
    expect(words.slice(0, 3)).toEqual(['rolebridge', 'setup', 'aws']);
    expect(issued.command).toContain(`--setup-code ${issued.code} --tenant acme --token-config aws`);

    // The customer pastes the command and adds the role and scope.
    const run = await runCli([...words.slice(1), '--role-name', 'acme-coded', '--deployment', 'prod', '--component', 'etl', '--yes', '--json'], customerEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Set-up code accepted: tenant acme, token config aws');
    const result = JSON.parse(run.stdout) as { changes: Array<{ action: string; status: string }>; connection: Record<string, unknown>; test: { ok: boolean } };
    expect(result.changes.map((change) => change.status)).toEqual(['applied', 'applied']);
    expect(result.connection).toMatchObject({ name: 'acme-coded', roleArn: `arn:aws:iam::${ACCOUNT}:role/acme-coded`, tokenConfig: 'aws', verified: true });
    expect(result.test.ok).toBe(true);
    expect((await world.iam.send(new GetRoleCommand({ RoleName: 'acme-coded' }))).Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/acme-coded`);
    // The connection and its test are audited under the code, not an admin.
    const audit = (await (
      await fetch(`${world.server.url}/api/v1/tenants/acme/audit?action=connection.created`, { headers: { authorization: `Bearer ${(world.env()).ROLEBRIDGE_ADMIN_TOKEN}` } })
    ).json()) as { events: Array<{ actor: string; target: string }> };
    expect(audit.events.find((event) => event.target === 'acme-coded')?.actor).toBe(`setup:${issued.id}`);
    expect(JSON.stringify(audit)).not.toContain(issued.code);

    const again = await runCli([...words.slice(1), '--role-name', 'acme-coded', '--deployment', 'prod', '--component', 'etl', '--yes'], customerEnv());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('This set-up code was already used');
  });

  it('ROLEBRIDGE_SETUP_CODE works too; tenant and token config come from the code, and a pinned scope and connection apply', async () => {
    const issued = await createCode('--scope', `workload:${world.workloadId}`, '--connection', 'pinned-by-code');
    const run = await runCli(['setup', 'aws', '--server', world.server.url, '--role-name', 'acme-pinned', '--yes', '--json'], {
      ...customerEnv(),
      ROLEBRIDGE_SETUP_CODE: issued.code,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { connection: Record<string, unknown>; test: { ok: boolean } };
    expect(result.connection).toMatchObject({ name: 'pinned-by-code', tokenConfig: 'aws', verifiedWithWorkload: world.workloadId });
    expect(result.test.ok).toBe(true);
  });

  it('flags that contradict the code, an unknown code and no credential at all are usage errors', async () => {
    const issued = await createCode();
    const mismatch = await runCli(
      ['setup', 'aws', '--server', world.server.url, '--setup-code', issued.code, '--tenant', 'globex', '--role-name', 'x', '--tenant-wide', '--dry-run'],
      customerEnv(),
    );
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('the set-up code is for --tenant acme, not globex');

    const unknown = await runCli(['setup', 'aws', '--server', world.server.url, '--setup-code', 'rbs_unknown', '--role-name', 'x', '--tenant-wide', '--dry-run'], customerEnv());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('The set-up code is not valid.');

    const none = await runCli(['setup', 'aws', '--server', world.server.url, '--tenant', 'acme', '--token-config', 'aws', '--role-name', 'x', '--tenant-wide'], customerEnv());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--setup-code (or ROLEBRIDGE_SETUP_CODE)');

    const badTtl = await runCli(['setup-code', 'create', '--server', world.server.url, '--tenant', 'acme', '--token-config', 'aws', '--ttl', '30'], world.env());
    expect(badTtl.code).toBe(2);
    expect(badTtl.stderr).toContain('invalid_ttl');
  });

  it('prints the command for a person', async () => {
    const run = await runCli(['setup-code', 'create', '--server', world.server.url, '--tenant', 'acme', '--token-config', 'aws'], world.env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Set-up code sc_[0-9a-f]{16} for tenant acme, token config aws; single use, valid until /);
    // Run by the set-up CLI this server serves when it is built (test/setup/setup_cli_download.test.ts), else as `rolebridge`.
    expect(run.stdout).toMatch(new RegExp(`  (?:rolebridge|node rolebridge-setup-\\S+\\.mjs) setup aws --server ${world.server.url} --setup-code rbs_\\S+ --tenant acme --token-config aws\\n`));
  });
});
