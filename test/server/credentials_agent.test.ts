import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRefreshDelayMs } from '../../src/cli/commands/workload.js';

/**
 * `rolebridge agent` as a real process. The token endpoint here is a stub that issues 10-second
 * tokens, so the refresh loop is observable in seconds (rolebridge's own tokens live at least a
 * minute; the agent against the real server is covered in credentials_delivery.test.ts).
 */
describe('rolebridge agent (process)', () => {
  let stub: Server;
  let url: string;
  let issued = 0;
  let failNext = 0;
  const authorizations: string[] = [];

  beforeAll(async () => {
    stub = createServer((request, response) => {
      authorizations.push(String(request.headers.authorization));
      if (failNext > 0) {
        failNext -= 1;
        response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable","message":"try later"}}');
        return;
      }
      issued += 1;
      const expiresAt = new Date(Date.now() + 10_000).toISOString();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `h.token-${issued}.s`, expiresAt }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => stub.close(resolve));
  });

  it('refreshes at half the remaining lifetime, never sooner than 5 s', () => {
    expect(nextRefreshDelayMs(1_000_000 + 300_000, 1_000_000)).toBe(150_000);
    expect(nextRefreshDelayMs(1_000_000 + 4_000, 1_000_000)).toBe(5_000);
  });

  it('rewrites the token file before expiry, keeps the last good token through failures, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-agent-'));
    const tokenFile = join(dir, 'token');
    const agent = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src/cli/main.ts'), 'agent', '--token-file', tokenFile, '--server', url], {
      env: { ...process.env, ROLEBRIDGE_WORKLOAD_SECRET: 'rb_wl_stub_secret' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    agent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => agent.on('exit', (code) => resolve(code)));
    const waitFor = async (predicate: () => boolean, ms: number) => {
      const until = Date.now() + ms;
      while (!predicate()) {
        if (Date.now() > until) throw new Error(`timed out; agent stderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const content = () => {
      try {
        return readFileSync(tokenFile, 'utf8');
      } catch {
        return '';
      }
    };
    try {
      await waitFor(() => content() === 'h.token-1.s', 20_000);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      failNext = 1; // the next refresh fails once: the file keeps the last good token, the agent retries
      await waitFor(() => content() === 'h.token-2.s', 15_000);
      expect(stderr).toContain('refresh failed (try later (unavailable))');
      expect(authorizations.every((a) => a === 'Bearer rb_wl_stub_secret')).toBe(true);
      expect(stderr).not.toContain('rb_wl_stub_secret');
    } finally {
      agent.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 45_000);
});
