import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'rolebridge-serve-'));
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: dir,
  NO_COLOR: '1',
  ROLEBRIDGE_DATA_DIR: dir,
  ROLEBRIDGE_DATABASE_URL: `sqlite:${join(dir, 'rolebridge.db')}`,
  ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  ...extra,
});

function serve(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], { env: env(), timeout: 100_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

// Each case starts the CLI as a process (seconds apiece, more on a loaded machine): time is no verdict here.
describe('rolebridge serve starting up', { timeout: 120_000 }, () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits at once with exit 2 naming the port and the flag or variable when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await serve(['--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`rolebridge: Port ${port} is already in use (127.0.0.1:${port}): stop what listens there, or choose another port with --port or PORT.`);
      expect(result.stderr).not.toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('blames --port, not the issuer template, for a port out of range', async () => {
    const result = await serve(['--port', '99999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port must be a port number from 0 to 65535');
    expect(result.stderr).not.toContain('ISSUER_TEMPLATE');
  });

  it('logs JSON lines on stdout, shows a generated admin token once (on stderr only) and warns of no deprecation', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'], { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/ROLEBRIDGE_ADMIN_TOKEN=\S+\n/.test(stderr) && stdout.includes('listening on')) resolve();
      });
      child.stdout.on('data', () => {
        if (/ROLEBRIDGE_ADMIN_TOKEN=\S+\n/.test(stderr) && stdout.includes('listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}${stdout}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const token = /ROLEBRIDGE_ADMIN_TOKEN=(\S+)/.exec(stderr)![1]!;
    expect(stderr.split(token)).toHaveLength(2);
    expect(stdout).not.toContain(token);
    // Node prints deprecations (fastify's FSTDEP…, node's DEP…) on stderr at start: none may appear.
    expect(stderr).not.toMatch(/FSTDEP|DeprecationWarning|\[DEP\d+\]/);
    const lines = stdout.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain(
      'a bootstrap admin token was generated and shown once on stderr (not logged)',
    );
  });
});
