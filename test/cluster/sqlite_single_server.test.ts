import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_TOKEN, TEST_MASTER_KEY, type TestServer } from '../helpers/test_server.js';

const run = promisify(execFile);

/** SQLite is the single-process default: a second `rolebridge serve` on the same file is refused, clearly. */
describe('a second server on the same SQLite file', { timeout: 90_000 }, () => {
  let dir: string;
  let first: TestServer;
  let databaseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rb-sqlite-single-'));
    databaseUrl = `sqlite:${join(dir, 'rolebridge.db')}`;
    first = await startTestServer({ databaseUrl });
  });
  afterAll(async () => {
    await first?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 naming the problem and the way out, and the first server keeps serving', async () => {
    const env = { ...process.env, ROLEBRIDGE_MASTER_KEY: TEST_MASTER_KEY, ROLEBRIDGE_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const second = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--database-url', databaseUrl, '--port', '0'], { env, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('Another rolebridge server is already using');
    expect(second.stderr).toContain('PostgreSQL');
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });

  it('lets a server start on the file once the first has stopped', async () => {
    await first.close();
    first = await startTestServer({ databaseUrl });
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });
});
