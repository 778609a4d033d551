import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserlessClient } from '../helpers/browserless_client.js';
import { startTestIdp, type TestIdp } from '../helpers/test_idp.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

// `rolebridge login` as a process: it prints the sign-in URL, a cookie-keeping client plays the browser through
// rolebridge and the real IdP to the CLI's loopback listener, and the CLI keeps its own session token (0600).
// Process start-up is slow on a loaded machine: generous per-test timeouts, nothing waits on a clock otherwise.

const REPO = resolve(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStderr` sees stderr as it comes (to pick up the sign-in URL). */
function runCli(args: string[], env: Record<string, string>, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolvePromise) => {
    // The built CLI (`npm run build`, as `npm test` does first): a real process as a user runs it.
    const child = spawn(process.execPath, [join(REPO, 'bin/rolebridge.js'), ...args], { cwd: REPO, env: { ...process.env, ...env, ROLEBRIDGE_ADMIN_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr);
    });
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('rolebridge login', () => {
  let idp: TestIdp;
  let server: TestServer;
  let configDir: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    idp.accounts.set('alice', { email: 'alice@example.com', roles: ['acme:operator'] });
    server = await startTestServer({ env: idp.env(), driftWatchIntervalSeconds: 0 });
    await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: { ...server.adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'acme', name: 'acme' }) });
    configDir = await mkdtemp(join(tmpdir(), 'rolebridge-login-'));
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
    await rm(configDir, { recursive: true, force: true });
  });

  it('signs in through the IdP on a loopback redirect and keeps a session token of its own, mode 0600', async () => {
    idp.nextAccount = 'alice';
    let browsing: Promise<unknown> | undefined;
    const run = await runCli(['login', '--server', server.url, '--no-browser', '--json', '--timeout', '120'], { ROLEBRIDGE_CONFIG_DIR: configDir }, (stderr) => {
      const url = /(http:\/\/\S+\/auth\/login\?\S+)/.exec(stderr)?.[1];
      if (url !== undefined && browsing === undefined) browsing = new BrowserlessClient().follow(url);
    });
    expect(run.code, run.stderr).toBe(0);
    const landed = (await browsing) as { response?: Response; url: string };
    expect(landed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    expect(await landed.response?.text()).toContain('Signed in to rolebridge');

    const answer = JSON.parse(run.stdout) as { actor: unknown; roles: unknown; credentialsFile: string };
    expect(answer.actor).toEqual({ type: 'user', sub: 'alice', email: 'alice@example.com', issuer: idp.issuer });
    expect(answer.roles).toEqual([{ role: 'operator', tenant: 'acme' }]);
    expect(answer.credentialsFile).toBe(join(configDir, 'credentials.json'));
    expect((await stat(answer.credentialsFile)).mode & 0o777).toBe(0o600);

    const stored = JSON.parse(await readFile(answer.credentialsFile, 'utf8')) as { servers: Record<string, { kind: string; token: string }> };
    const credential = stored.servers[server.url];
    expect(credential?.kind).toBe('session');
    expect(credential?.token).toMatch(/^rb_session_/);
    expect(run.stdout + run.stderr).not.toContain(credential?.token);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${credential?.token}` } });
    expect(me.status).toBe(200);
    // The stored session is what later commands use: the operator may create a set-up code in acme, not elsewhere.
    const created = await runCli(['setup-code', 'create', '--server', server.url, '--tenant', 'acme', '--token-config', 'nope', '--json'], { ROLEBRIDGE_CONFIG_DIR: configDir });
    expect(created.stderr).toMatch(/token_config_not_found|No token config/);
  }, 180_000);

  it('stores an API key with --api-key-file after checking it, and refuses a key the server does not know', async () => {
    const keyFile = join(configDir, 'key');
    await writeFile(keyFile, `${TEST_ADMIN_TOKEN}\n`);
    const ok = await runCli(['login', '--server', server.url, '--api-key-file', keyFile, '--json'], { ROLEBRIDGE_CONFIG_DIR: configDir });
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { actor: { type: string } }).actor.type).toBe('api_key');
    const stored = JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8')) as { servers: Record<string, { kind: string }> };
    expect(stored.servers[server.url]?.kind).toBe('api_key');

    await writeFile(keyFile, 'rb_admin_unknown_key_000000000000000000000000\n');
    const refused = await runCli(['login', '--server', server.url, '--api-key-file', keyFile], { ROLEBRIDGE_CONFIG_DIR: configDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('invalid_credentials');
  }, 180_000);
});
