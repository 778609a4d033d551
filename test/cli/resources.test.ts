import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

/** The resource CLI (CONTRACT "Resource CLI") as a process against a real server, over the admin API. */
let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'rolebridge-resources-'));
const tokenFile = join(dir, 'admin-token');

function rolebridge(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ROLEBRIDGE_SERVER: server.url, ...env }, timeout: 600_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

// About twenty CLI processes (seconds apiece, ten times that on a loaded machine): time is no verdict here.
describe('rolebridge tenants|token-configs|workloads|connections|keys|api-keys', { timeout: 900_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    writeFileSync(tokenFile, `${TEST_ADMIN_TOKEN}\n`);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, gets and deletes resources; --json prints the API answer; the token from a file or the environment', async () => {
    const tenant = await rolebridge(['tenants', 'create', '--id', 'acme', '--name', 'Acme', '--json', '--admin-token-file', tokenFile]);
    expect(tenant.code, tenant.stderr).toBe(0);
    expect(JSON.parse(tenant.stdout)).toMatchObject({ id: 'acme', name: 'Acme', issuer: `${server.url}/t/acme` });

    const env = { ROLEBRIDGE_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const got = await rolebridge(['tenants', 'get', 'acme'], env);
    expect(got.stdout).toMatch(/^issuer\s+http:\/\/127\.0\.0\.1:\d+\/t\/acme$/m);

    const config = await rolebridge(['token-configs', 'create', '--tenant', 'acme', '--name', 'aws', '--subject-template', 'app:{deployment}:{component}', '--json'], env);
    expect(config.code, config.stderr).toBe(0);
    expect(JSON.parse(config.stdout)).toMatchObject({ name: 'aws', audience: 'sts.amazonaws.com', subjectTemplate: 'app:{deployment}:{component}' });
    expect((await rolebridge(['token-configs', 'get', 'aws', '--tenant', 'acme'], env)).stdout).toMatch(/^subjectTemplate\s+app:\{deployment\}:\{component\}$/m);

    const workload = await rolebridge(['workloads', 'create', '--tenant', 'acme', '--deployment', '12', '--component', 'api'], env);
    expect(workload.code, workload.stderr).toBe(0);
    expect(workload.stdout).toMatch(/^secret\s+\S+$/m);
    expect(workload.stdout).toContain('The secret is shown only this once');
    const list = await rolebridge(['workloads', 'list', '--tenant', 'acme'], env);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+DEPLOYMENT\s+COMPONENT\s+REGION\s+SUBJECT$/);
    expect(list.stdout).toContain('app:12:api');
    expect(list.stdout).not.toMatch(/secret/i);

    const connection = await rolebridge(
      ['connections', 'create', '--tenant', 'acme', '--name', 'warehouse', '--role-arn', 'arn:aws:iam::123456789012:role/etl', '--token-config', 'aws', '--no-verify', '--json'],
      env,
    );
    expect(connection.code, connection.stderr).toBe(0);
    expect(JSON.parse(connection.stdout)).toMatchObject({ name: 'warehouse', roleArn: 'arn:aws:iam::123456789012:role/etl', region: 'us-east-1', tokenConfig: 'aws' });
    expect((await rolebridge(['connections', 'list', '--tenant', 'acme', '--json'], env)).stdout).toContain('"warehouse"');
    const scoped = await rolebridge(
      ['connections', 'create', '--tenant', 'acme', '--name', 'api-only', '--role-arn', 'arn:aws:iam::123456789012:role/api', '--token-config', 'aws', '--scope', 'component:api', '--no-verify', '--json'],
      env,
    );
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(JSON.parse(scoped.stdout)).toMatchObject({ name: 'api-only', scope: 'component:api' });
    const deleted = await rolebridge(['connections', 'delete', 'warehouse', '--tenant', 'acme'], env);
    expect([deleted.code, deleted.stdout.trim()]).toEqual([0, 'Deleted connection warehouse.']);
    const gone = await rolebridge(['connections', 'get', 'warehouse', '--tenant', 'acme'], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('(connection_not_found)');

    const keys = await rolebridge(['keys', 'list', '--tenant', 'acme', '--json'], env);
    expect((JSON.parse(keys.stdout) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);

    const apiKey = await rolebridge(['api-keys', 'create', '--name', 'ci', '--role', 'viewer', '--json'], env);
    expect(apiKey.code, apiKey.stderr).toBe(0);
    const created = JSON.parse(apiKey.stdout) as { id: string; token: string };
    expect((await rolebridge(['api-keys', 'list'], env)).stdout).toContain(created.id);
    expect((await rolebridge(['api-keys', 'list'], env)).stdout).not.toContain(created.token);
    expect((await rolebridge(['api-keys', 'delete', created.id], env)).stdout.trim()).toBe(`Revoked API key ${created.id}.`);
  });

  it("shows the server's own message for a refused request, and usage errors exit 2", async () => {
    const env = { ROLEBRIDGE_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const bad = await rolebridge(['tenants', 'create', '--id', 'NOT VALID'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rolebridge: .+\(\w+\)\n$/);
    expect(bad.stderr).not.toBe('rolebridge: the server answered 400\n');
    const noToken = await rolebridge(['tenants', 'get', 'acme']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('ROLEBRIDGE_ADMIN_TOKEN');
  });
});
