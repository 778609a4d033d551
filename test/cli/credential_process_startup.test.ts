/**
 * `credential-process` runs once per credential refresh of every AWS SDK using the profile, so it must cost
 * little more than node's own start: its one request goes through node:http (fetch would load and compile
 * undici on every run) and asks for the connection to be closed with the answer, so nothing (a pooled
 * keep-alive connection) keeps the process alive after it printed the credentials.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
// Written at exit: the node-internal modules the run loaded that belong to fetch.
const REPORT_FETCH_MODULES =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("fetch-modules:"+JSON.stringify(process.moduleLoadList.filter((m)=>/undici/.test(m)))+"\\n"))';

const seen: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  seen.push(request.headers);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret-example', Token: 'token-example', Expiration: '2030-01-01T00:00:00Z' }));
});
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('prints the credentials without loading fetch, and closes its connection with the answer', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', REPORT_FETCH_MODULES, join(REPO, 'src/cli/main.ts'), 'credential-process', '--connection', 'warehouse', '--server', url], {
    cwd: REPO,
    env: { ...process.env, ROLEBRIDGE_WORKLOAD_SECRET: 'rbw_example_secret' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual({ Version: 1, AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret-example', SessionToken: 'token-example', Expiration: '2030-01-01T00:00:00Z' });
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ authorization: 'Bearer rbw_example_secret', connection: 'close' });
  expect(/fetch-modules:(.*)\n/.exec(stderr)?.[1]).toBe('[]');
}, 120_000);
