import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDbAuthWorld, type DbAuthWorld } from './db_auth_world.js';

/**
 * `rolebridge db-token` as a real process (node + tsx on src/cli/main.ts) against a real server
 * and the emulator, the way scripts use it: `PGPASSWORD=$(rolebridge db-token …) psql …`.
 */
const CLI = ['--import', 'tsx', 'src/cli/main.ts', 'db-token'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('rolebridge db-token', () => {
  let setup: DbAuthWorld;
  let env: Record<string, string>;

  async function cli(args: string[], extraEnv: Record<string, string> = env): Promise<Run> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [...CLI, ...args], { env: extraEnv, cwd: process.cwd() });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      if (typeof failure.code !== 'number') throw error;
      return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
    }
  }

  beforeAll(async () => {
    setup = await startDbAuthWorld();
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: mkdtempSync(join(tmpdir(), 'rolebridge-db-token-')),
      ROLEBRIDGE_SERVER: setup.world.url,
      ROLEBRIDGE_WORKLOAD_SECRET: setup.world.workload.secret,
    };
  });
  afterAll(async () => {
    await setup?.close();
  });

  it('ends with 1 and the exact text while the feature is off', async () => {
    setup.world.server.deps.config.features.awsDatabaseIamAuth = false;
    const run = await cli(['--connection', 'partner-db', '--engine', 'postgres', '--host', 'db.example.com', '--db-user', 'app']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('rolebridge: AWS IAM database authentication is not enabled. (feature_disabled)\n');
  });

  describe('with the feature on', () => {
    beforeAll(() => {
      setup.world.server.deps.config.features.awsDatabaseIamAuth = true;
    });

    it('prints only the password, so $(rolebridge db-token …) can feed PGPASSWORD', async () => {
      const script = `PGPASSWORD=$("${process.execPath}" ${CLI.join(' ')} --connection partner-db --engine postgres --host orders.example.com --db-user app) && printf '%s' "$PGPASSWORD"`;
      const { stdout } = await promisify(execFile)('bash', ['-c', script], { env, cwd: process.cwd() });
      expect(stdout.startsWith('orders.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&')).toBe(true);
      expect(stdout).toMatch(/&X-Amz-Signature=[0-9a-f]{64}(&|$)/);
      expect(stdout).not.toMatch(/\s/); // nothing but the token reached the variable
    });

    it('--json prints the whole answer; Redshift through the cross-account chain', async () => {
      const run = await cli(['--connection', 'partner-db', '--engine', 'redshift', '--cluster-identifier', 'analytics', '--db-user', 'etl_user', '--db-name', 'dev', '--duration-seconds', '1200', '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const answer = JSON.parse(run.stdout) as Record<string, string>;
      expect(answer).toMatchObject({ engine: 'redshift', username: 'IAM:etl_user' });
      expect(Date.parse(answer.expiresAt as string)).toBeGreaterThan(Date.now() + 1_100_000);
    });

    it('reads the secret from --secret-file', async () => {
      const file = join(env.HOME as string, 'secret');
      writeFileSync(file, `${setup.world.workload.secret}\n`, { mode: 0o600 });
      const { ROLEBRIDGE_WORKLOAD_SECRET: _unused, ...withoutSecret } = env;
      const run = await cli(['--connection', 'partner-db', '--engine', 'redshift-serverless', '--workgroup-name', 'reporting', '--secret-file', file, '--json'], withoutSecret);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ engine: 'redshift-serverless', username: 'IAMR:partner-athena', port: 5439 });
    });

    it('ends with 2 naming the missing field, and with 1 when AWS refuses', async () => {
      const [missing, denied] = await Promise.all([
        cli(['--connection', 'partner-db', '--engine', 'postgres', '--host', 'db.example.com']),
        cli(['--connection', 'first-only', '--engine', 'redshift', '--cluster-identifier', 'analytics', '--db-user', 'etl_user']),
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe('rolebridge: dbUser: is required (invalid_db_auth_request)\n');
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('is not authorized to perform: redshift:GetClusterCredentials');
      expect(denied.stderr).toContain('(db_access_denied)');
    });

    it('ends with 2 without a server or a secret, or with a bad number', async () => {
      const { ROLEBRIDGE_SERVER: _server, ...withoutServer } = env;
      const { ROLEBRIDGE_WORKLOAD_SECRET: _secret, ...withoutSecret } = env;
      const [noServer, noSecret, badPort, badEngine] = await Promise.all([
        cli(['--connection', 'partner-db', '--engine', 'mysql'], withoutServer),
        cli(['--connection', 'partner-db', '--engine', 'mysql'], withoutSecret),
        cli(['--connection', 'partner-db', '--engine', 'mysql', '--port', 'abc']),
        cli(['--connection', 'partner-db', '--engine', 'oracle']),
      ]);
      expect(noServer).toMatchObject({ code: 2, stderr: 'rolebridge: no server: pass --server URL or set ROLEBRIDGE_SERVER.\n' });
      expect(noSecret).toMatchObject({ code: 2, stderr: 'rolebridge: no workload secret: set ROLEBRIDGE_WORKLOAD_SECRET or pass --secret-file PATH.\n' });
      expect(badPort).toMatchObject({ code: 2, stderr: "rolebridge: --port must be a whole number, got 'abc'.\n" });
      expect(badEngine.code).toBe(2);
    });
  });
});
