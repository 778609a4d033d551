/**
 * `rolebridge agent` with a token path it cannot write is bad input: exit 2 and a reason naming the path,
 * at once, before any token is fetched (not "unexpected error: ENOENT" with exit 1, nor a retry loop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { stderrOf } from '../helpers/cli_stderr.js';

// Nothing listens on port 9 (discard): a token fetched first would fail with "cannot reach" instead.
const SERVER = 'http://127.0.0.1:9';

let dir: string;
const saved = process.env.ROLEBRIDGE_WORKLOAD_SECRET;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-agent-'));
  process.env.ROLEBRIDGE_WORKLOAD_SECRET = 'rb_wl_test0123456789';
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.ROLEBRIDGE_WORKLOAD_SECRET;
  else process.env.ROLEBRIDGE_WORKLOAD_SECRET = saved;
});

describe('rolebridge agent --token-file it cannot write', () => {
  it.each([[['--once']], [[]]])('is bad input naming the missing folder (%j)', async (extra) => {
    const path = '/nonexistent-dir-rolebridge/x';
    const { code, stderr } = await stderrOf(() => runCli(['agent', '--server', SERVER, '--token-file', path, ...extra]));
    expect(code).toBe(2);
    expect(stderr).toBe(`rolebridge: cannot write --token-file ${path}: its folder /nonexistent-dir-rolebridge does not exist.\n`);
  });

  it('is bad input when the path is a folder', async () => {
    const { code, stderr } = await stderrOf(() => runCli(['agent', '--once', '--server', SERVER, '--token-file', dir]));
    expect(code).toBe(2);
    expect(stderr).toBe(`rolebridge: cannot write --token-file ${dir}: ${dir} is a folder.\n`);
  });
});
