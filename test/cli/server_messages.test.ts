/**
 * What the CLI says when the server refuses or cannot be reached: the status with the envelope's code and
 * message (never a bare "the server answered 400"), the words of a proxy's non-JSON error page, and an
 * http/https mismatch named as such with the corrected URL (exit 2), not OpenSSL's text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { stderrOf } from '../helpers/cli_stderr.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

const listen = async <S extends HttpServer | HttpsServer>(server: S): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};

let dir: string;
let rolebridge: TestServer;
let tlsServer: HttpsServer;
let tlsAddress: string;
let proxy: HttpServer;
let proxyAddress: string;
const savedToken = process.env.ROLEBRIDGE_ADMIN_TOKEN;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-server-messages-'));
  process.env.ROLEBRIDGE_ADMIN_TOKEN = TEST_ADMIN_TOKEN;
  rolebridge = await startTestServer();
  // A TLS-terminating front (as in production), and a proxy answering with nginx's HTML error page.
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  tlsServer = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_request, response) => response.end('{}'));
  tlsAddress = await listen(tlsServer);
  proxy = createHttpServer((_request, response) => {
    response.writeHead(400, { 'content-type': 'text/html' });
    response.end('<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body><center><h1>400 Bad Request</h1></center><center>The plain HTTP request was sent to HTTPS port</center><hr><center>nginx</center></body></html>');
  });
  proxyAddress = await listen(proxy);
});

afterAll(async () => {
  await rolebridge?.close();
  tlsServer?.close();
  proxy?.close();
  rmSync(dir, { recursive: true, force: true });
  if (savedToken === undefined) delete process.env.ROLEBRIDGE_ADMIN_TOKEN;
  else process.env.ROLEBRIDGE_ADMIN_TOKEN = savedToken;
});

describe('an error answer', () => {
  it("shows the envelope's message and code", async () => {
    const { code, stderr } = await stderrOf(() => runCli(['tenants', 'create', '--id', 'NOT VALID', '--server', rolebridge.url]));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rolebridge: A tenant id is .+ \(invalid_tenant_id\)\n$/);
  });

  it("shows a proxy's non-JSON error page in words", async () => {
    const { code, stderr } = await stderrOf(() => runCli(['tenants', 'list', '--server', `http://${proxyAddress}`]));
    expect(code).toBe(2);
    expect(stderr).toContain('the server answered 400 Bad Request');
    expect(stderr).toContain('The plain HTTP request was sent to HTTPS port');
    expect(stderr).not.toContain('<');
  });
});

describe('an http/https mismatch', () => {
  it('https against a plain-http server names the mismatch and the http URL', async () => {
    const server = rolebridge.url.replace(/^http:/, 'https:');
    const { code, stderr } = await stderrOf(() => runCli(['tenants', 'list', '--server', server]));
    expect(code).toBe(2);
    expect(stderr).toContain(`${server} does not speak https`);
    expect(stderr).toContain(`--server ${rolebridge.url}`);
    expect(stderr).not.toMatch(/SSL routines|wrong version number/);
  });

  it('http against an https server names the mismatch and the https URL', async () => {
    const { code, stderr } = await stderrOf(() => runCli(['tenants', 'list', '--server', `http://${tlsAddress}`]));
    expect(code).toBe(2);
    expect(stderr).toContain(`speaks https on that port: try --server https://${tlsAddress}`);
    expect(stderr).not.toContain('other side closed');
  });

  it('nothing listening is still "cannot reach" (exit 1)', async () => {
    const closed = createHttpServer();
    const address = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await stderrOf(() => runCli(['tenants', 'list', '--server', `http://${address}`]));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^rolebridge: cannot reach http://${address}: .*ECONNREFUSED`));
  });
});
